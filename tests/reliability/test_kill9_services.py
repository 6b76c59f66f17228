"""kill -9 the long-running processes: `newsarchive serve` mid-capture, `newsarchive schedule` mid-run.

A killed server or scheduler must leave the archive whole, must not block
its own restart (stale locks, half-written jobs), and the work it was doing
must be finished by the next run without duplicating versions.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article
from tests.helpers import FAST, capture
from tests.reliability.processes import kill9, kill_rounds, start, stop_when
from tests.reliability.support import check_archive
from tests.site.server import NewsSite

GROUP = "Crashes (kill -9)"
TOKEN = "reliability-test-token-0123456789"
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with _NO_PROXY.open(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _post_capture(base: str, url: str) -> None:
    request = urllib.request.Request(
        f"{base}/captures",
        data=json.dumps({"url": url}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    with contextlib.suppress(OSError):  # the server is about to die under it
        _NO_PROXY.open(request, timeout=60).read()


def _article_fetches(site: NewsSite) -> int:
    return sum(1 for record in site.state.log if record.path.startswith("/gen/"))


def _versions_per_article(config: ArchiveConfig) -> set[int]:
    with Archive(config) as archive, archive.sessions() as session:
        return set(session.scalars(select(Article.version_count)))


@pytest.mark.slow
def test_kill9_serve_during_a_capture(news_site: NewsSite, tmp_path: Path, case) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    rounds = min(kill_rounds(3), 20)
    entry = case(
        GROUP,
        "kill -9 `newsarchive serve` while POST /captures runs",
        "archive whole; the server restarts; a later capture finishes the job with 1 version",
    )
    Archive(config).close()
    paths = [f"/gen/{500 + n}.html" for n in range(rounds)]
    for number, path in enumerate(paths):
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = start(
            config, "serve", "--port", str(port), "--allow-private", env={"NEWSARCHIVE_CAPTURE_TOKEN": TOKEN}
        )
        assert stop_when(server, lambda base=base: _get(f"{base}/") == 200), server.communicate()[1][-1000:]
        poster = threading.Thread(target=_post_capture, args=(base, news_site.url(path)))
        poster.start()
        # Kill once the capture child has reached the site: mid-capture by construction.
        if stop_when(server, lambda path=path: news_site.request_count(path) >= 1):
            kill9(server)
        poster.join(timeout=60)
        integrity = check_archive(config)
        assert [p for p in integrity.problems if "torn at byte" not in p] == [], f"round {number}"
    done = capture(config, *(news_site.url(p) for p in paths))
    assert done.returncode == 0, done.stderr[-1000:]
    assert _versions_per_article(config) == {1}
    integrity = check_archive(config)
    assert integrity.problems == [] and integrity.articles == len(paths)
    entry.observed = (
        f"{rounds} servers killed mid-capture; restarted each time; final capture: "
        f"{integrity.articles} articles, 1 version each, {integrity.captures} captures readable"
    )


@pytest.mark.slow
def test_kill9_scheduler_during_a_revisit(news_site: NewsSite, tmp_path: Path, case) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    entry = case(
        GROUP,
        "kill -9 `newsarchive schedule` while its revisit job runs",
        "lock released, restart works, jobs not duplicated, archive whole",
    )
    urls = [news_site.url(f"/gen/{600 + n}.html") for n in range(30)]
    assert capture(config, *urls).returncode == 0
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "local"\nfeeds = ["{news_site.url("/rss.xml")}"]\nschedule = "0 0 1 1 *"\n'
    )
    command = ["schedule", "--sources", str(sources), "--revisit-every", "1s", "--no-throttle", *FAST]

    def make_due() -> None:
        with Archive(config) as archive, archive.sessions.begin() as session:
            session.execute(update(Article).values(next_check_at=datetime.now(UTC) - timedelta(hours=1)))

    def jobs() -> int:
        with Archive(config) as archive, archive.engine.connect() as connection:
            return connection.execute(text("select count(*) from apscheduler_jobs")).scalar_one()

    for _ in range(2):
        make_due()
        news_site.clear_requests()
        scheduler = start(config, *command)
        # Killed once the revisit subprocess is fetching: the scheduler and its child die together.
        assert stop_when(scheduler, lambda: _article_fetches(news_site) >= 5), scheduler.communicate()[1][
            -2000:
        ]
        kill9(scheduler)
        integrity = check_archive(config)
        assert [p for p in integrity.problems if "torn at byte" not in p] == []
        assert jobs() == 2  # the source's crawl job and the revisit job, once each
    make_due()
    news_site.clear_requests()
    scheduler = start(config, *command)
    assert stop_when(scheduler, lambda: _article_fetches(news_site) >= len(urls))
    scheduler.terminate()  # graceful: SIGTERM
    _, err = scheduler.communicate(timeout=90)
    assert scheduler.returncode == 0, err[-2000:]
    assert "already running" not in err.lower()
    assert jobs() == 2
    with Archive(config) as archive, archive.sessions() as session:
        checked = session.scalar(
            select(func.count()).select_from(Article).where(Article.next_check_at > datetime.now(UTC))
        )
    integrity = check_archive(config)
    assert integrity.problems == [] and _versions_per_article(config) == {1}
    entry.observed = (
        f"killed twice mid-revisit; restarted without a stale lock; 2 jobs kept; "
        f"{integrity.captures} captures, {checked} articles rescheduled, 1 version each"
    )
