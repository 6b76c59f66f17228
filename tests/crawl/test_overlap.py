"""Two crawls of one source at once: the second leaves it to the first and fetches nothing."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import CrawlRun
from tests.crawl.conftest import FAST, ROOT, cli_argv, run_cli, sources_toml, summary
from tests.site import NewsSite

SLOW = "/fault/slow?seconds=6"


def test_a_second_crawl_skips_the_source_a_running_crawl_holds(
    news_site: NewsSite, archive_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    links = [news_site.url(SLOW), *(news_site.article_url(a.slug) for a in news_site.articles[:2])]
    items = "".join(f"<item><link>{link}</link></item>" for link in links)
    news_site.set_route(
        "/slow.xml",
        f'<rss version="2.0"><channel>{items}</channel></rss>',
        content_type="application/rss+xml",
    )
    path = write_sources(sources_toml(news_site, feeds=[news_site.url("/slow.xml")]))
    archive = Archive(archive_config)
    try:
        first = subprocess.Popen(
            cli_argv(
                archive_config,
                "crawl",
                "--sources",
                str(path),
                "--json",
                *FAST,
                "-s",
                "NEWSARCHIVE_HEARTBEAT=0.5",
            ),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while news_site.request_count(SLOW) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert news_site.request_count(SLOW) == 1, "the first crawl never asked for the slow page"

        second = run_cli(archive_config, "crawl", "--sources", str(path), "--json", *FAST)
        assert second.returncode == 0, second.stderr[-2000:]
        report = summary(second)
        with archive.sessions() as session:
            (held,) = session.scalars(select(CrawlRun).where(CrawlRun.status == "running")).all()
        assert report["busy_sources"]["local"]["run_id"] == held.id
        assert report["totals"]["fetched"] == 0
        assert "source local skipped: crawl run" in second.stderr
        # The first crawl's heartbeat runs while it waits for the slow page.
        assert held.heartbeat_at is not None and held.heartbeat_at > held.started_at

        out, err = first.communicate(timeout=90)
        assert first.returncode == 0, err[-2000:]
        assert summary(subprocess.CompletedProcess([], 0, out, err))["totals"]["fetched"] == 3
        assert news_site.request_count(SLOW) == 1  # fetched once, by the first crawl

        third = run_cli(archive_config, "crawl", "--sources", str(path), "--json", *FAST)
        assert third.returncode == 0 and summary(third)["busy_sources"] == {}
    finally:
        archive.close()
