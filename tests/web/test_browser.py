"""The pages in a real browser: search, open an article, compare two versions, screenshot the diff.

Headless Chromium through Playwright, launched from the system's chromium
(Debian: apt-get install chromium; pip install playwright; no browser
download). The server is the real `newsarchive serve`, in a subprocess.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from tests.web.browser import ARTIFACTS, DESKTOP, browser_page
from tests.web.conftest import OTHER_URL, T0, XSS_TITLE, record
from tests.web.serving import serving


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`newsarchive serve` on a free port over a small archive; yields its base URL."""
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    with Archive(config) as archive:
        record(archive, T0)
        record(
            archive,
            T0 + timedelta(hours=3),
            title="Council rejects budget",
            text="The council rejected the budget on Monday.\nThe vote was 7 to 2.",
        )
        record(archive, T0 + timedelta(days=1), url=OTHER_URL, title=XSS_TITLE, text="A <b>bold</b> claim.")
    with serving(config) as base:
        yield base


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    with browser_page(tmp_path / "chromium-profile", DESKTOP) as opened:  # a fresh profile per test
        yield opened


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


def test_search_article_and_diff_in_a_browser(page: Any, server: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(server + "/")
    page.fill("#q", "budget")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**/?q=budget*")
    assert page.inner_text("#results-heading").strip() == "1–1 of 1 article"

    page.click("text=Council rejects budget")
    page.wait_for_url("**/web/articles/*")
    assert page.inner_text("h1") == "Council rejects budget"
    assert page.is_visible("text=Observed by the archive") and page.is_visible(
        "text=Declared by the publisher"
    )
    assert page.inner_text(".timeline tbody").count("v") >= 2
    assert page.is_visible("text=headline changed")

    page.click("text=compare with v1")
    page.wait_for_url("**/diff?from=1&to=2")
    deleted = page.locator("#field-title ~ .sides del").all_inner_texts()
    inserted = page.locator("#field-title ~ .sides ins").all_inner_texts()
    assert any("approves" in t for t in deleted) and any("rejects" in t for t in inserted)
    del_style = page.eval_on_selector(".side.old del", "e => getComputedStyle(e).textDecorationLine")
    assert "line-through" in del_style
    ins_colour = page.eval_on_selector(".side.new ins", "e => getComputedStyle(e).backgroundColor")
    red, green, blue = (int(c) for c in ins_colour.removeprefix("rgb(").rstrip(")").split(", ")[:3])
    assert green > red and green > blue  # inserted words are on green
    # The "[deleted: ...]" labels are for screen readers only.
    label_width = page.eval_on_selector(".side.old del .sr-only", "e => e.getBoundingClientRect().width")
    assert label_width <= 1

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "diff.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    width, height = png_size(data)
    assert len(data) > 10_000
    assert width == 1280 and 400 <= height <= 10_000

    # Archived markup stays text: no script runs, the title reads literally.
    page.goto(server + "/")
    page.fill("#q", "bold")
    page.click("form.search button[type=submit]")
    page.click("#main .hits a")
    page.wait_for_url("**/web/articles/*")
    assert page.inner_text("h1") == XSS_TITLE
    assert dialogs == []


def test_api_docs_render_with_no_request_leaving_the_machine(page: Any, server: str) -> None:
    # Everything not for the server itself is refused, as on a machine without internet access.
    outside: list[str] = []

    def local_only(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock-summary", timeout=20_000)  # Swagger UI rendered the operations
    assert page.locator(".opblock-summary-path", has_text="/articles/{article_id}/diff").count() == 1
    assert outside == []
    page.goto(server + "/redoc")
    # ReDoc rendered the operations.
    page.get_by_role("heading", name="Search articles").wait_for(timeout=20_000)
    # Only ReDoc's "API docs by Redocly" footer logo is fetched from outside;
    # refused, ReDoc hides it (its onError) and the page is whole.
    assert [url.rsplit("/", 1)[-1] for url in outside] in ([], ["logo-mini.svg"])
