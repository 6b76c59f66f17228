"""A full disk, for real: the archive on a small tmpfs that a crawl or a capture fills.

It used to end "finished" with hundreds of tracebacks. Now the first write
that finds no space stops the crawl with one clear line and a non-zero exit,
and what is archived stays whole (every capture's WARC record readable).
Mounting a tmpfs needs root; elsewhere the tests skip (and fail under CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.storage.config import ArchiveConfig
from tests.helpers import FAST, newsarchive
from tests.reliability.disks import fill, tmpfs
from tests.reliability.support import check_archive
from tests.site.server import NewsSite

GROUP = "Full disk and read-only archives"
DISK_FULL_LINE = "error: the archive's disk is full or failing"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1.5 MB tmpfs holding the whole archive (database and WARC files)."""
    with tmpfs(tmp_path / "disk", "1500k") as mount:
        yield mount


def config_on(disk: Path) -> ArchiveConfig:
    return ArchiveConfig(home=disk / "home", db_url=f"sqlite:///{disk / 'archive.db'}")


def one_clear_line(stderr: str) -> bool:
    return "Traceback" not in stderr and stderr.count(DISK_FULL_LINE) == 1


def test_a_crawl_that_fills_the_disk_stops_with_one_line(case, small_disk: Path, tmp_path: Path) -> None:
    entry = case(
        GROUP,
        "crawl of 3,000 pages onto a 1.5 MB disk",
        "stops: non-zero exit, one clear line, no traceback, archive whole",
        before='exit 0 "finished" with 331 tracebacks on stderr',
    )
    config = config_on(small_disk)
    with NewsSite(fixtures=False) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "big"\nfeeds = ["{site.url("/fault/huge-feed.xml?n=3000")}"]\nmax_urls = 3000\n'
        )
        done = newsarchive(config, "crawl", "--sources", str(sources), "--no-throttle", *FAST, timeout=300)
    assert done.returncode != 0, done.stdout
    assert one_clear_line(done.stderr), done.stderr[-3000:]
    assert "failed" in done.stdout and "finished" not in done.stdout
    integrity = check_archive(config)
    assert integrity.problems == [], integrity.problems
    entry.observed = (
        f"exit {done.returncode}, {done.stderr.count('Traceback')} tracebacks; "
        f"{integrity.captures} captures, archive whole"
    )


def test_a_capture_on_a_full_disk_fails_with_one_line(case, small_disk: Path) -> None:
    entry = case(
        GROUP,
        "capture onto a full disk",
        "exit 1, one clear line, no traceback, archive whole",
    )
    config = config_on(small_disk)
    with NewsSite() as site:
        first, second = site.articles[:2]
        assert newsarchive(config, "capture", *FAST, site.article_url(first.slug)).returncode == 0
        # A little room: the archive opens, and the capture's own writes find the disk full.
        filler = fill(small_disk, leave=48 * 1024)
        done = newsarchive(config, "capture", *FAST, site.article_url(second.slug))
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) <= 2, done.stderr[-3000:]
    assert "disk is full" in done.stdout + done.stderr, done.stderr[-3000:]
    filler.unlink()
    integrity = check_archive(config)
    assert integrity.problems == [] and integrity.captures >= 1, integrity.problems
    entry.observed = f"exit {done.returncode}: {done.stderr.strip().splitlines()[-1][:120]}"


def test_a_capture_on_a_read_only_archive_fails_with_one_line(case, tmp_path: Path) -> None:
    """It printed an 81-line traceback. The database is opened read-only (SQLite's mode=ro, which
    works for root too, unlike file permissions)."""
    entry = case(
        GROUP,
        "capture on a read-only archive",
        "exit 1, one clear line without local paths, no traceback",
        before="an 81-line traceback",
    )
    writable = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    read_only = ArchiveConfig(
        home=tmp_path / "home", db_url=f"sqlite:///file:{tmp_path / 'archive.db'}?mode=ro&uri=true"
    )
    with NewsSite() as site:
        first, second = site.articles[:2]
        assert newsarchive(writable, "capture", *FAST, site.article_url(first.slug)).returncode == 0
        done = newsarchive(read_only, "capture", *FAST, site.article_url(second.slug))
    assert done.returncode == 1, done.stdout
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr and len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith("error: the archive is read-only") and str(tmp_path) not in lines[0]
    assert check_archive(writable).problems == []
    entry.observed = f"exit 1: {lines[0][:100]}"


def test_an_api_capture_past_the_servers_timeout_leaves_a_failed_capture_row(case, tmp_path: Path) -> None:
    """A page slower than the server's capture timeout: the capture stops itself first and records it."""
    entry = case(
        "Faults while crawling (newsarchive capture)",
        "API capture of a page slower than the server's capture timeout",
        "a failed capture row with its reason (the subprocess's deadline is shorter than the server's)",
        before="no capture row (120 s server timeout against 4 x 30 s attempts)",
    )
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from newsarchive.crawler.web.app import create_app
    from newsarchive.crawler.web.capture import capture_deadline
    from newsarchive.crawler.web.config import WebSettings
    from newsarchive.storage.archive import Archive
    from newsarchive.storage.models import Capture

    token = "reliability-token-0123456789"
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    settings = WebSettings(capture_token=token, allow_private=True, capture_timeout=16)
    assert capture_deadline(settings.capture_timeout) < settings.capture_timeout
    with NewsSite(fixtures=False) as site, TestClient(create_app(config, settings)) as client:
        url = site.url("/fault/slow?seconds=40")
        response = client.post("/captures", json={"url": url}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (502, 504), response.text
    with Archive(config) as archive, archive.sessions() as session:
        rows = session.execute(select(Capture.outcome, Capture.error, Capture.requested_url)).all()
    assert [(outcome, requested) for outcome, _, requested in rows] == [("failed", url)], rows
    assert rows[0][1]
    entry.observed = f"HTTP {response.status_code}; capture row: failed, {rows[0][1]!r}"
