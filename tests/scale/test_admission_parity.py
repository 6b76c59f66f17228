"""One admission path: a plain crawl and a Redis crawl of the same site admit exactly the same URLs.

Each rule the source spider applies is exercised on the local news web:
feed entries on another host and registrable domain, section-page links
on another site, allow/deny, listing pages, max_age, max_urls, robots.txt,
and on a second pass URLs already archived and the robots recheck.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture, CrawlRun
from tests.crawl.conftest import FAST, ROOT, cli_argv
from tests.scale.conftest import RedisFrontier
from tests.site import hosts as H
from tests.site.families import NEWS, NEWS_PRIVATE, NEWS_WIRE, PAPER, PAPER_WIRE
from tests.site.response import text
from tests.site.web import NewsWeb

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


def _fresh_feed(web: NewsWeb) -> None:
    """A feed whose dates are relative to now (max_age), with a listing page and a denied URL in it."""
    now = datetime.now(UTC)
    www = web.url(H.NEWS_WWW, "")
    entries = [
        (www + NEWS[0].path, now - timedelta(hours=2)),
        (www + NEWS[1].path, now - timedelta(days=30)),  # older than max_age
        (www + NEWS[2].path, now - timedelta(hours=1)),  # denied by the source
        (www + "/world/", now),  # a section page: never an article
        (www + NEWS_PRIVATE.path, now),  # robots.txt forbids it
    ]
    items = "".join(
        f"<item><title>t</title><link>{url}</link><pubDate>{format_datetime(when)}</pubDate></item>"
        for url, when in entries
    )
    web.set_route(
        H.NEWS_FEEDS,
        "/fresh.xml",
        text(f'<rss version="2.0"><channel>{items}</channel></rss>', content_type="application/rss+xml"),
    )


def _sources(web: NewsWeb, path: Path) -> Path:
    path.write_text(
        "[[source]]\n"
        'name = "news"\n'
        f'feeds = ["{web.url(H.NEWS_FEEDS, "/fresh.xml")}"]\n'
        f'pages = ["{web.url(H.NEWS_BARE, "/world/")}"]\n'
        "deny = ['/museum-']\n"
        'max_age = "7d"\n'
        "[[source]]\n"
        'name = "paper"\n'
        f'feeds = ["{web.url(H.PAPER_FEEDS, "/other-paper.xml")}"]\n'
        "max_urls = 2\n"
    )
    return path


def _run(argv: list[str]) -> None:
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]


def _plain(config: ArchiveConfig, sources: Path, web: NewsWeb) -> None:
    _run(cli_argv(config, "crawl", "--sources", str(sources), "--json", *FAST, *web.resolver_args()))


def _redis(config: ArchiveConfig, sources: Path, web: NewsWeb, frontier: RedisFrontier) -> None:
    _run(
        cli_argv(
            config, "enqueue", "--sources", str(sources), "--redis", frontier.url, "--prefix", frontier.prefix
        )
    )
    worker = ["-s", f"NEWSARCHIVE_REDIS_PREFIX={frontier.prefix}", "-s", "MAX_IDLE_TIME_BEFORE_CLOSE=2"]
    _run(
        cli_argv(
            config,
            "crawl",
            "--sources",
            str(sources),
            "--redis",
            frontier.url,
            "--json",
            *FAST,
            *worker,
            *web.resolver_args(),
        )
    )


def _admitted(config: ArchiveConfig) -> list[set[tuple[str, str]]]:
    """Per crawl run, in order: the (URL asked for, outcome) of every capture it made."""
    with Archive(config, migrate=False) as archive, archive.sessions() as session:
        runs = list(session.scalars(select(CrawlRun.id).order_by(CrawlRun.id)))
        return [
            {
                (c.requested_url, c.outcome)
                for c in session.scalars(select(Capture).where(Capture.crawl_run_id == run))
            }
            for run in runs
        ]


def test_plain_and_redis_crawls_admit_the_same_urls(
    news_web: NewsWeb, tmp_path: Path, pg_url: str, redis_url: RedisFrontier
) -> None:
    _fresh_feed(news_web)
    sources = _sources(news_web, tmp_path / "sources.toml")
    plain = ArchiveConfig(home=tmp_path / "plain", db_url=f"sqlite:///{tmp_path / 'plain.db'}")
    distributed = ArchiveConfig(home=tmp_path / "redis", db_url=pg_url)
    Archive(distributed).close()
    for _ in range(2):  # the second pass: archived URLs and the robots recheck
        _plain(plain, sources, news_web)
        _redis(distributed, sources, news_web, redis_url)

    first, second = _admitted(plain)
    assert _admitted(distributed) == [first, second]
    www, paper = news_web.url(H.NEWS_WWW, ""), news_web.url(H.PAPER_WWW, "")
    # What the rules let in, so the equality above is about something.
    assert first == {
        (www + NEWS[0].path, "new_article"),
        (www + NEWS_PRIVATE.path, "skipped"),
        (paper + PAPER[0].path, "new_article"),
        (paper + PAPER[1].path, "new_article"),
        # From the section page: the wire story, and an AMP copy of an archived article.
        (www + NEWS_WIRE.path, "new_article"),
        (www + "/amp" + NEWS[0].path, "unchanged"),
    }
    assert (paper + PAPER_WIRE.path, "new_article") not in first  # over max_urls
    assert second == {(paper + PAPER[2].path, "new_article"), (paper + PAPER_WIRE.path, "new_article")}
