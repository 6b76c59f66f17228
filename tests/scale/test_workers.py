"""Distributed crawling end to end: worker processes sharing one Redis frontier, archiving to PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from newsarchive.crawler.crawl.distributed.redis_queue import DocumentLeases
from newsarchive.crawler.crawl.distributed.workers import FrontierKeys, frontier_status
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article, Capture, Version
from tests.helpers import cli_argv
from tests.scale.conftest import RedisFrontier
from tests.site.server import NewsSite

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
PAGES = 60


def _gen_feed(site: NewsSite, count: int = PAGES) -> list[str]:
    paths = [f"/gen/{n}.html" for n in range(count)]
    items = "".join(f"<item><link>{site.url(p)}</link></item>" for p in paths)
    site.set_route(
        "/gen.xml", f'<rss version="2.0"><channel>{items}</channel></rss>', content_type="application/rss+xml"
    )
    return paths


@pytest.fixture
def setup(tmp_path: Path, pg_url: str, news_site: NewsSite) -> tuple[ArchiveConfig, Path, list[str]]:
    config = ArchiveConfig(home=tmp_path / "home", db_url=pg_url)
    Archive(config).close()  # the schema, before workers race to create it
    paths = _gen_feed(news_site)
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "gen"\nfeeds = ["{news_site.url("/gen.xml")}"]\n')
    return config, sources, paths


def _cli(config: ArchiveConfig, *args: str) -> list[str]:
    return cli_argv(config, *args)


def _worker(
    config: ArchiveConfig, sources: Path, frontier: RedisFrontier, *settings: str
) -> subprocess.Popen[str]:
    overrides = [
        "-s",
        f"NEWSARCHIVE_REDIS_PREFIX={frontier.prefix}",
        "-s",
        "MAX_IDLE_TIME_BEFORE_CLOSE=3",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        # Each worker alone would take several seconds: both get a share.
        "-s",
        "DOWNLOAD_DELAY=0.15",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        "-s",
        "NEWSARCHIVE_EXTRACT_WORKERS=0",
    ]
    argv = _cli(config, "crawl", "--sources", str(sources), "--redis", frontier.url, "--json", *overrides)
    return subprocess.Popen(
        [*argv, *settings], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _enqueue(config: ArchiveConfig, sources: Path, frontier: RedisFrontier) -> None:
    done = subprocess.run(
        _cli(
            config, "enqueue", "--sources", str(sources), "--redis", frontier.url, "--prefix", frontier.prefix
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "queued 1 discovery documents" in done.stdout


def _finish(worker: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = worker.communicate(timeout=180)
    assert worker.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def _counts(config: ArchiveConfig) -> dict[str, int]:
    with Archive(config, migrate=False) as archive, archive.sessions() as session:
        return {
            "articles": session.scalar(select(func.count()).select_from(Article)) or 0,
            "distinct_urls": session.scalar(select(func.count(func.distinct(Article.canonical_url)))) or 0,
            "versions": session.scalar(select(func.count()).select_from(Version)) or 0,
            "captures": session.scalar(select(func.count()).select_from(Capture)) or 0,
        }


def test_two_workers_share_one_frontier(
    setup: tuple[ArchiveConfig, Path, list[str]], news_site: NewsSite, redis_url: RedisFrontier
) -> None:
    config, sources, paths = setup
    _enqueue(config, sources, redis_url)
    workers = [_worker(config, sources, redis_url) for _ in range(2)]
    reports = [_finish(w) for w in workers]

    fetched = [r["totals"]["fetched"] for r in reports]
    assert sum(fetched) == PAGES
    assert all(n > 0 for n in fetched), f"one worker did all the work: {fetched}"
    for path in paths:  # the shared duplicate filter: each URL fetched once in the pass
        assert news_site.request_count(path) == 1, path
    assert news_site.request_count("/gen.xml") == 1
    assert _counts(config) == {
        "articles": PAGES,
        "distinct_urls": PAGES,
        "versions": PAGES,
        "captures": PAGES,
    }
    assert frontier_status(redis_url.server, redis_url.prefix).drained


def test_a_dead_workers_requests_are_taken_over(
    setup: tuple[ArchiveConfig, Path, list[str]], news_site: NewsSite, redis_url: RedisFrontier
) -> None:
    config, sources, paths = setup
    _enqueue(config, sources, redis_url)
    lease = ("-s", "NEWSARCHIVE_REDIS_LEASE=3")
    doomed = _worker(config, sources, redis_url, *lease, "-s", "CONCURRENT_REQUESTS=4")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and doomed.poll() is None:
        status = frontier_status(redis_url.server, redis_url.prefix)
        if status.leased and _counts(config)["articles"] >= 5:
            break
        time.sleep(0.05)
    os.kill(doomed.pid, signal.SIGKILL)  # no clean shutdown: its leases are simply abandoned
    doomed.communicate(timeout=30)
    abandoned = frontier_status(redis_url.server, redis_url.prefix).leased
    archived_before = _counts(config)["articles"]
    assert abandoned > 0 and archived_before < PAGES

    report = _finish(_worker(config, sources, redis_url, *lease))

    assert report["totals"]["fetched"] >= PAGES - archived_before
    counts = _counts(config)
    assert counts["articles"] == counts["distinct_urls"] == counts["versions"] == PAGES
    # At least once: a request the dead worker had leased may have reached the
    # site before it died; nothing else is fetched twice.
    twice = [p for p in paths if news_site.request_count(p) > 1]
    assert all(news_site.request_count(p) == 2 for p in twice)
    assert len(twice) <= abandoned
    assert frontier_status(redis_url.server, redis_url.prefix).drained


def test_a_document_a_dead_worker_popped_is_fetched_by_another(
    setup: tuple[ArchiveConfig, Path, list[str]], news_site: NewsSite, redis_url: RedisFrontier
) -> None:
    config, sources, paths = setup
    _enqueue(config, sources, redis_url)
    # A worker pops the feed from the start list and is killed before its
    # request reaches the shared queue: only the lease is left of it.
    starts = FrontierKeys(redis_url.prefix).start_urls
    _token, message = DocumentLeases(redis_url.server, starts, seconds=4).pop()
    assert json.loads(message)["url"].endswith("/gen.xml")
    status = frontier_status(redis_url.server, redis_url.prefix)
    assert (status.start_urls, status.documents_leased, status.drained) == (0, 1, False)

    # Idle for longer than MAX_IDLE_TIME_BEFORE_CLOSE (3 s) while the lease runs:
    # the worker waits for it, takes the document back, and does the pass.
    report = _finish(_worker(config, sources, redis_url, "-s", "NEWSARCHIVE_REDIS_LEASE=4"))

    assert report["totals"]["fetched"] == PAGES
    assert news_site.request_count("/gen.xml") == 1
    assert _counts(config)["articles"] == PAGES
    assert frontier_status(redis_url.server, redis_url.prefix).drained
