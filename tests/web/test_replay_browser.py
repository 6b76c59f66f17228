"""Replay of a hostile archived page in Chromium: nothing runs, nothing leaves the archive.

The page (tests/site/hostile.py) is captured through the real capture path
from the local news web, with three of its resources; then the real
`newsarchive serve` replays it to headless Chromium. The browser's network
log is the witness: every request it makes must be for the archive's own
origin, none may carry the marker that any script of the page would
request, and the captured photo and stylesheet must come from the archive.

The second test takes the rewriter away: the same hostile bytes, served
untouched under the replay document's headers in the replay page's
sandboxed frame, must be just as inert (the Content-Security-Policy and the
sandbox are a lock of their own).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture
from tests.conftest import skip_or_fail
from tests.helpers import capture
from tests.site.hostile import HEADLINE, MARKER, HostilePages, install
from tests.site.web import NewsWeb
from tests.web.browser import CHROMIUM_FLAGS, chromium
from tests.web.serving import free_port, serving


@dataclass
class NetworkLog:
    origin: str
    requested: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # asked for outside the archive: aborted
    answered: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed (pip install playwright)")
    executable = chromium()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


def watch(context: Any, origin: str) -> NetworkLog:
    """Log every request of every frame; refuse (and note) any not for the archive's origin."""
    log = NetworkLog(origin)
    context.on("request", lambda request: log.requested.append(request.url))
    context.on("response", lambda response: log.answered.__setitem__(response.url, response.status))

    def only_the_archive(route: Any) -> None:
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            log.refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_archive)
    return log


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArchiveConfig, HostilePages]:
    """The hostile article and its three resources, captured through `newsarchive capture`."""
    home = tmp_path_factory.mktemp("hostile")
    config = ArchiveConfig(home=home / "home", db_url=f"sqlite:///{home / 'archive.db'}")
    with NewsWeb() as web:
        pages = install(web)
        # The crawl follows a meta refresh as a redirect; told not to, it keeps the
        # page that holds one, which is what replay must then defuse.
        no_refresh = ("-s", "METAREFRESH_MAXDELAY=0")
        done = capture(config, pages.page, *pages.held, extra=(*web.resolver_args(), *no_refresh))
    with Archive(config) as archive, archive.sessions() as session:
        rows = {row.requested_url: row for row in session.query(Capture)}
    assert rows[pages.page].outcome == "new_article", done.stdout + done.stderr[-2000:]
    for url in pages.held:  # not articles, but their bytes are in the WARC files
        assert rows[url].warc_file is not None, done.stdout
    return config, pages


def test_hostile_page_replays_inert_with_its_captured_resources(
    browser: Any, hostile_archive: tuple[ArchiveConfig, HostilePages]
) -> None:
    config, pages = hostile_archive
    with serving(config) as server:
        log = watch(browser, server)
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

        page.goto(f"{server}/web/{_year()}/{pages.page}")  # a year: Wayback's short form
        page.wait_for_load_state("load")
        replay_url = page.url  # redirected to the capture's exact 14-digit timestamp
        assert replay_url.startswith(server + "/web/") and replay_url.endswith("/" + pages.page)
        assert len(replay_url.removeprefix(server + "/web/").split("/", 1)[0]) == 14
        banner = page.inner_text(".replay-banner")
        assert "capture 1 of 1" in banner and "version 1 of 1" in banner
        assert page.is_visible("text=article timeline") and page.is_visible("text=extracted text")

        frame = page.frame_locator("iframe.replay-frame")
        assert frame.locator("#headline").inner_text() == HEADLINE
        # Every way out, clicked: a javascript: link, a form, a link to the live web.
        for target in ("#js-link", "#send", "#out-link"):
            frame.locator(target).click()
        # The meta refresh asked for 1 s: wait past it, then the frame must still show the capture.
        page.wait_for_timeout(2500)
        document = next(f for f in page.frames if f is not page.main_frame)
        assert "if_/" in document.url and document.url.endswith(pages.page)
        assert page.url == replay_url

        assert log.refused == [], "requests left the archive"
        assert all(url.startswith(server + "/") for url in log.requested)
        assert not [url for url in log.requested if MARKER in url], "a script of the archived page ran"
        assert dialogs == []
        # What the archive holds came from the archive: the photo, the stylesheet, the image it names.
        loaded = {url.split("_/", 1)[-1]: status for url, status in log.answered.items() if "_/" in url}
        for url in pages.held:
            assert loaded.get(url) == 200, (url, loaded)
        # The captured stylesheet applied (its body colour), the live ones did not.
        colour = document.evaluate("getComputedStyle(document.body).backgroundColor")
        assert colour == "rgb(1, 2, 3)"
        assert document.evaluate("document.getElementById('photo').naturalWidth") == 4


def _year() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y")


@pytest.fixture
def unrewritten_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The web app plus two test routes: the hostile page as captured, under the replay
    document's headers, framed as the replay page frames it. Yields (base URL, frame page URL)."""
    pytest.importorskip("uvicorn")
    import uvicorn
    from fastapi.responses import HTMLResponse, Response

    from newsarchive.crawler.web.app import create_app
    from newsarchive.crawler.web.replay_headers import REPLAY_PAGE_HEADERS, SANDBOX, archived_headers

    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    with NewsWeb() as web:
        pages = install(web)
        hostile = web.state.hosts["www.example-news.test"].routes["/hostile/article.html"].body
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(config)

    @app.get("/lock-test/document")
    def document() -> Response:
        return Response(hostile, 200, archived_headers(base, "text/html; charset=utf-8"))

    @app.get("/lock-test/page")
    def frame_page() -> HTMLResponse:
        body = f'<!doctype html><iframe sandbox="{SANDBOX}" src="/lock-test/document"></iframe>'
        return HTMLResponse(body, headers=REPLAY_PAGE_HEADERS)

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        import time

        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "uvicorn did not start"
        assert pages.page  # the hostile page's URLs point at a news web that is now gone
        yield base, base + "/lock-test/page"
    finally:
        server.should_exit = True
        thread.join(10)


def test_the_policy_alone_keeps_an_unrewritten_hostile_page_inert(
    browser: Any, unrewritten_server: tuple[str, str]
) -> None:
    base, frame_page = unrewritten_server
    log = watch(browser, base)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(frame_page)
    page.wait_for_load_state("load")
    frame = page.frame_locator("iframe")
    assert frame.locator("#headline").inner_text() == HEADLINE
    for target in ("#js-link", "#send"):
        frame.locator(target).click()
    page.wait_for_timeout(2500)  # past the page's 1 s meta refresh
    document = next(f for f in page.frames if f is not page.main_frame)
    assert document.url == base + "/lock-test/document"
    assert log.refused == [], "requests left the archive"
    assert not [url for url in log.requested if MARKER in url], "a script of the archived page ran"
    assert dialogs == []
