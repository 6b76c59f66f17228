"""Feeding the shared frontier: `enqueue`, the scheduler in Redis mode, and passes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from newsarchive.crawler.crawl.distributed.workers import FrontierKeys, enqueue_sources, frontier_status
from newsarchive.crawler.crawl.schedule.scheduler import SchedulerOptions
from newsarchive.crawler.crawl.sources import load_sources
from newsarchive.storage.config import ArchiveConfig
from tests.scale.conftest import RedisFrontier

pytestmark = pytest.mark.redis
ROOT = Path(__file__).resolve().parents[2]
SOURCES = """
[[source]]
name = "one"
feeds = ["http://127.0.0.1:9/rss.xml", "http://127.0.0.1:9/world.xml"]
sitemaps = ["http://127.0.0.1:9/news-sitemap.xml"]

[[source]]
name = "two"
pages = ["http://127.0.0.2:9/world/"]
"""


@pytest.fixture
def sources_file(tmp_path: Path) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(SOURCES)
    return path


def test_the_scheduler_in_redis_mode_enqueues_instead_of_crawling(
    tmp_path: Path, sources_file: Path, redis_url: RedisFrontier
) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    options = SchedulerOptions(config=config, sources_file=sources_file, redis_url=redis_url.url)
    command = options.crawl_command("one")
    argv = list(command.argv)
    assert "enqueue" in argv and "crawl" not in argv
    assert redis_url.url not in argv  # through the environment: a Redis URL may hold a password
    env = command.environ({**os.environ, "NEWSARCHIVE_REDIS_PREFIX": redis_url.prefix})
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    queued = redis_url.server.lrange(FrontierKeys(redis_url.prefix).start_urls, 0, -1)
    messages = [json.loads(m) for m in queued]  # scrapy-redis's JSON form, not plain URLs
    assert sorted((m["url"], m["meta"]["newsarchive_kind"]) for m in messages) == [
        ("http://127.0.0.1:9/news-sitemap.xml", "sitemap"),
        ("http://127.0.0.1:9/rss.xml", "feed"),
        ("http://127.0.0.1:9/world.xml", "feed"),
    ]
    assert {m["meta"]["newsarchive_source"] for m in messages} == {"one"}
    assert "crawl" in SchedulerOptions(config=config, sources_file=sources_file).crawl_command("one").argv


def test_a_new_pass_starts_only_on_a_drained_frontier(sources_file: Path, redis_url: RedisFrontier) -> None:
    server, prefix = redis_url.server, redis_url.prefix
    keys = FrontierKeys(prefix)
    sources = load_sources(sources_file)
    server.sadd(keys.dupefilter, "fingerprint-of-the-last-pass")
    server.zadd(keys.requests, {b"a request still queued": 0})
    assert enqueue_sources(server, sources, prefix) == 4
    assert server.sismember(keys.dupefilter, "fingerprint-of-the-last-pass")  # the pass goes on

    server.delete(keys.requests, keys.start_urls)
    assert frontier_status(server, prefix).drained
    enqueue_sources(server, sources, prefix)
    assert not server.exists(keys.dupefilter)  # drained: a fresh pass
    assert frontier_status(server, prefix).start_urls == 4
