"""`capture` answers within its time limit on a silent host, and records why."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from newsarchive.crawler.cli import main
from newsarchive.crawler.cli.archive_commands import CAPTURE_TIMEOUT
from newsarchive.crawler.crawl.runner import RunReport
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture
from tests.helpers import newsarchive


class SilentHost:
    """Accepts every connection and never says a word (a hung server, a black-holed proxy)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(conn)  # held open, never read, never answered

    def close(self) -> None:
        self.listener.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent_host() -> Iterator[SilentHost]:
    host = SilentHost()
    try:
        yield host
    finally:
        host.close()


def test_capture_on_a_silent_host_gives_up_with_the_reason(
    silent_host: SilentHost, sqlite_config: ArchiveConfig
) -> None:
    urls = [f"http://127.0.0.1:{silent_host.port}/news/{n}.html" for n in range(3)]
    # The subprocess limit is far below Scrapy's own 4 attempts x 30 s for robots.txt and the page.
    done = newsarchive(sqlite_config, "capture", "--timeout", "3", *urls, timeout=60)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(urls) and all(line.startswith("failed") for line in lines), done.stdout
    assert all("no answer within 3 s" in line for line in lines)
    assert "Traceback" not in done.stderr
    assert silent_host.accepted  # it really was asked
    with Archive(sqlite_config) as archive, archive.sessions() as session:
        rows = list(session.scalars(select(Capture)))
    assert sorted(r.requested_url for r in rows) == sorted(urls)
    assert all(r.outcome == "failed" and r.error and "timed out" in r.error for r in rows)


def test_capture_has_a_time_limit_by_default(
    monkeypatch: pytest.MonkeyPatch, sqlite_config: ArchiveConfig
) -> None:
    assert 0 < CAPTURE_TIMEOUT <= 50  # an answer within a minute, start-up and writing included
    seen: dict[str, Any] = {}

    def run_spider(spider_cls: type, settings: Any, **kwargs: Any) -> RunReport:
        seen["deadline"] = settings.getfloat("NEWSARCHIVE_FETCH_DEADLINE")
        return RunReport()

    monkeypatch.setattr("newsarchive.crawler.crawl.runner.run_spider", run_spider)
    args = ["--home", str(sqlite_config.home), "--db", sqlite_config.db_url, "capture"]
    CliRunner().invoke(main, [*args, "https://example.com/a.html"])
    assert seen["deadline"] == CAPTURE_TIMEOUT
    CliRunner().invoke(main, [*args, "--timeout", "7", "https://example.com/a.html"])
    assert seen["deadline"] == 7
    # Crawls are not on-demand: no deadline unless asked.
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("newsarchive.crawler.crawl.settings")
    assert settings.getfloat("NEWSARCHIVE_FETCH_DEADLINE") == 0
