"""Distributed revisits end to end: worker processes sharing the Redis revisit queue, archiving to PostgreSQL.

Four sites of the local news web, six archived articles each, two of them
edited since. One process queues the due articles; a worker is killed with
SIGKILL in the middle of the pass; two more finish it. Every article is
revisited, the killed worker's leases come back, each edit becomes exactly
one new version, and each site's requests stay spaced by the politeness gap
although three workers fetched from it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from newsarchive.crawler.crawl.distributed.revisit_queue import RevisitQueue
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article, Capture, Version
from tests.helpers import FAST, cli_argv
from tests.scale.conftest import RedisFrontier
from tests.site import hosts as H
from tests.site.response import Response
from tests.site.stories import Story
from tests.site.web import NewsWeb

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
HOSTS = (H.NEWS_WWW, H.PAPER_WWW, "www.npr.org", "www.theguardian.com")
PER_HOST = 6
EDITED_PER_HOST = 2
GAP = 0.4  # seconds between two requests to one host, across all workers (the coordinator's DOWNLOAD_DELAY)
LEASE = 3


@dataclasses.dataclass
class Arrivals:
    """When each request reached the web, by host (the web's handler, wrapped)."""

    times: dict[str, list[tuple[float, str]]] = dataclasses.field(default_factory=dict)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def watch(self, web: NewsWeb) -> None:
        handle = web.state.handle

        def logged(method: str, target: str, headers: Mapping[str, str], body: bytes) -> Response:
            host = {k.lower(): v for k, v in headers.items()}.get("host", "").rsplit(":", 1)[0]
            with self.lock:
                self.times.setdefault(host, []).append((time.monotonic(), target))
            return handle(method, target, headers, body)

        web.state.handle = logged  # type: ignore[method-assign]


def _stories() -> list[Story]:
    return [
        Story(host, f"/rv/{host.split('.')[1]}-{n}.html", f"Harbour report {n} from {host}")
        for host in HOSTS
        for n in range(PER_HOST)
    ]


def _serve(web: NewsWeb, story: Story) -> None:
    origin = web.url(story.host, "")
    web.set_route(story.host, story.path, Response(200, story.page(origin), story.content_type))


def _run(config: ArchiveConfig, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    argv = cli_argv(config, *args, *NewsWeb.resolver_args())
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def _worker_argv(config: ArchiveConfig, frontier: RedisFrontier, *extra: str) -> list[str]:
    return cli_argv(
        config,
        "revisit",
        "--redis",
        frontier.url,
        "--json",
        "-s",
        f"NEWSARCHIVE_REDIS_PREFIX={frontier.prefix}",
        "-s",
        f"NEWSARCHIVE_REDIS_LEASE={LEASE}",
        "-s",
        "MAX_IDLE_TIME_BEFORE_CLOSE=2",
        # No delay of the worker's own: whatever spacing the web sees comes from the shared queue.
        *FAST,
        "-s",
        "NEWSARCHIVE_EXTRACT_WORKERS=0",
        *extra,
        *NewsWeb.resolver_args(),
    )


def _start(config: ArchiveConfig, frontier: RedisFrontier, *extra: str) -> subprocess.Popen[str]:
    argv = _worker_argv(config, frontier, *extra)
    return subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(worker: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = worker.communicate(timeout=180)
    assert worker.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def _revisit_captures(config: ArchiveConfig) -> dict[str, int]:
    with Archive(config, migrate=False) as archive, archive.sessions() as session:
        rows = session.execute(
            select(Capture.requested_url, func.count())
            .where(Capture.via == "revisit")
            .group_by(Capture.requested_url)
        )
        return {url: n for url, n in rows}


@pytest.fixture
def archived(
    tmp_path: Path, pg_url: str, news_web: NewsWeb
) -> tuple[ArchiveConfig, list[Story], list[Story]]:
    """The articles archived once, then some edited on their sites, and all due for a check."""
    config = ArchiveConfig(home=tmp_path / "home", db_url=pg_url)
    Archive(config).close()
    stories = _stories()
    for story in stories:
        _serve(news_web, story)
    captured = _run(config, "capture", *FAST, *(news_web.url(s.host, s.path) for s in stories))
    assert captured.returncode == 0, captured.stderr[-3000:]
    edited = [s for s in stories if int(s.path.rsplit("-", 1)[1].split(".")[0]) < EDITED_PER_HOST]
    for story in edited:
        _serve(news_web, dataclasses.replace(story, title=story.title + ", corrected"))
    with Archive(config, migrate=False) as archive, archive.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == len(stories)
        session.execute(update(Article).values(next_check_at=datetime.now(UTC) - timedelta(seconds=1)))
    return config, stories, edited


def test_revisits_survive_a_killed_worker_and_catch_each_edit_once(
    archived: tuple[ArchiveConfig, list[Story], list[Story]], news_web: NewsWeb, redis_url: RedisFrontier
) -> None:
    config, stories, edited = archived
    arrivals = Arrivals()
    arrivals.watch(news_web)
    queue = RevisitQueue(redis_url.server, redis_url.prefix, LEASE)

    # One coordinator queues the pass; its DOWNLOAD_DELAY is the per-host gap.
    queued = _run(
        config,
        "revisit",
        "--redis",
        redis_url.url,
        "--queue-only",
        "-s",
        f"NEWSARCHIVE_REDIS_PREFIX={redis_url.prefix}",
        "-s",
        f"DOWNLOAD_DELAY={GAP}",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
    )
    assert queued.returncode == 0, queued.stderr[-3000:]
    assert f"queued {len(stories)} due article(s)" in queued.stderr
    assert queue.status().queued == len(stories)

    # A worker is killed (no clean shutdown) while it holds leases.
    doomed = _start(config, redis_url)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and doomed.poll() is None:
        if queue.status().leased and sum(_revisit_captures(config).values()) >= 3:
            break
        time.sleep(0.05)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.communicate(timeout=30)
    abandoned = {int(v) for v in redis_url.server.hvals(queue.keys.leases)}
    assert abandoned, "the worker was killed holding no lease: the test proves nothing"
    before = _revisit_captures(config)
    assert len(before) < len(stories)
    survivors_started = time.monotonic()

    reports = [_finish(w) for w in [_start(config, redis_url), _start(config, redis_url)]]

    assert queue.status().drained
    done = _revisit_captures(config)
    urls = {news_web.url(s.host, s.path) for s in stories}
    assert set(done) == urls  # every due article was revisited, the abandoned ones included
    # At least once: an article the killed worker had leased may have reached the
    # site before it died; nothing else was fetched twice.
    twice = {url for url, n in done.items() if n > 1}
    assert all(n <= 2 for n in done.values())
    assert len(twice) <= len(abandoned)
    assert sum(r["totals"]["fetched"] for r in reports) == len(stories) - sum(before.values()) + len(twice)
    assert sum(r["totals"]["new_version"] for r in reports) + _new_versions_before(config, before) == len(
        edited
    )

    # Each edit became exactly one new version; the others stayed at one.
    edited_urls = {news_web.url(s.host, s.path) for s in edited}
    with Archive(config, migrate=False) as archive, archive.sessions() as session:
        counts = dict(session.execute(select(Article.canonical_url, Article.version_count)).all())
        assert {u for u, n in counts.items() if n == 2} == edited_urls
        assert all(n == 1 for u, n in counts.items() if u not in edited_urls)
        assert session.scalar(select(func.count()).select_from(Version)) == len(stories) + len(edited)

    # Politeness across workers: two workers fetched from every host at once, yet
    # each host's requests arrived spaced by about the gap.
    for host in HOSTS:
        times = sorted(
            t
            for t, path in arrivals.times.get(host, [])
            if path.startswith("/rv/") and t >= survivors_started
        )
        if len(times) > 2:
            assert times[-1] - times[0] >= (len(times) - 1) * GAP * 0.6, (host, times)


def _new_versions_before(config: ArchiveConfig, before: dict[str, int]) -> int:
    """New versions the killed worker recorded before it died."""
    with Archive(config, migrate=False) as archive, archive.sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Capture)
                .where(
                    Capture.via == "revisit",
                    Capture.outcome == "new_version",
                    Capture.requested_url.in_(list(before)),
                )
            )
            or 0
        )


def test_a_repeated_revisit_adds_no_version(
    archived: tuple[ArchiveConfig, list[Story], list[Story]], news_web: NewsWeb, redis_url: RedisFrontier
) -> None:
    """What a worker stalled past its lease would cause: the same revisit done twice. The second records nothing new."""
    config, _stories, edited = archived
    url = news_web.url(edited[0].host, edited[0].path)
    first = _finish(_start(config, redis_url, url))
    again = _finish(_start(config, redis_url, url))
    assert (first["totals"]["new_version"], first["totals"]["fetched"]) == (1, 1)
    assert (again["totals"]["new_version"], again["totals"]["unchanged"]) == (0, 1)
    with Archive(config, migrate=False) as archive, archive.sessions() as session:
        assert session.scalar(select(Article.version_count).where(Article.canonical_url == url)) == 2
