"""A Redis worker obeys robots.txt for every request, however many start together."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from tests.crawl.conftest import cli_argv
from tests.crawl.test_robots_obeyed import PRIVATE, assert_none_fetched, private_pages, rss
from tests.scale.conftest import RedisFrontier
from tests.site.server import NewsSite

pytestmark = [pytest.mark.redis]
ROOT = Path(__file__).resolve().parents[2]


def test_redis_worker_obeys_robots_for_documents_and_articles(
    tmp_path: Path, news_site: NewsSite, redis_url: RedisFrontier
) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    Archive(config).close()
    private = private_pages(news_site)
    feeds = [rss(news_site, f"/private/feed{i}.xml", private) for i in range(4)]
    feeds.append(rss(news_site, "/listing.xml", [*private, news_site.articles[0].url]))
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "local"\nfeeds = {json.dumps(feeds)}\n')
    prefix = ("-s", f"NEWSARCHIVE_REDIS_PREFIX={redis_url.prefix}")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        argv = cli_argv(config, *args, "--sources", str(sources), "--redis", redis_url.url)
        return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)

    queued = run("enqueue", "--prefix", redis_url.prefix)
    assert queued.returncode == 0 and "queued 5 discovery documents" in queued.stdout, queued.stderr
    worker = run(
        "crawl",
        "--json",
        *prefix,
        "-s",
        "MAX_IDLE_TIME_BEFORE_CLOSE=3",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "NEWSARCHIVE_EXTRACT_WORKERS=0",
    )
    assert worker.returncode in (0, 1), worker.stderr[-3000:]
    totals = json.loads(worker.stdout.strip().splitlines()[-1])["totals"]
    assert totals["new_article"] == 1 and totals["skipped"] >= len(PRIVATE), totals
    assert_none_fetched(news_site)
    assert all(news_site.request_count(f"/private/feed{i}.xml") == 0 for i in range(4))
    assert news_site.request_count("/robots.txt") == 1
