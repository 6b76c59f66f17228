"""Two crawls of one source at once: the second leaves it to the first and fetches nothing.

The first crawl is held on a page the site answers only when the test
releases it, so the overlap lasts exactly as long as the test needs, however
slow the machine: every wait below is for a state, with a generous limit.
"""

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

SLOW = "/fault/held?seconds=240"
LIMIT = 120  # seconds: a bound on each wait for a state, never the thing asserted


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
                "-s",
                f"DOWNLOAD_TIMEOUT={LIMIT * 2}",  # the held page waits for the test, however long
            ),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(lambda: news_site.request_count(SLOW) > 0, "the first crawl to ask for the held page", first)

        second = run_cli(archive_config, "crawl", "--sources", str(path), "--json", *FAST)
        assert second.returncode == 0, second.stderr[-2000:]
        report = summary(second)
        with archive.sessions() as session:
            (held,) = session.scalars(select(CrawlRun).where(CrawlRun.status == "running")).all()
        assert report["busy_sources"]["local"]["run_id"] == held.id
        assert report["totals"]["fetched"] == 0
        assert "source local skipped: crawl run" in second.stderr
        # The first crawl's heartbeat runs while it waits for the held page.
        wait_for(lambda: _heartbeat_after_start(archive, held.id), "the first crawl's heartbeat", first)
        news_site.release_held()

        out, err = first.communicate(timeout=LIMIT)
        assert first.returncode == 0, err[-2000:]
        assert summary(subprocess.CompletedProcess([], 0, out, err))["totals"]["fetched"] == 3
        assert news_site.request_count(SLOW) == 1  # fetched once, by the first crawl

        third = run_cli(archive_config, "crawl", "--sources", str(path), "--json", *FAST)
        assert third.returncode == 0 and summary(third)["busy_sources"] == {}
    finally:
        archive.close()


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[str]) -> None:
    """Poll until `condition` holds; fail saying `what` if the crawl ends or LIMIT passes first."""
    give_up = time.monotonic() + LIMIT
    while not condition():
        assert process.poll() is None, (
            f"the first crawl ended before {what}: {process.communicate()[1][-2000:]}"
        )
        assert time.monotonic() < give_up, f"no sign of {what} within {LIMIT} s"
        time.sleep(0.05)


def _heartbeat_after_start(archive: Archive, run_id: int) -> bool:
    with archive.sessions() as session:
        run = session.get(CrawlRun, run_id)
        return run is not None and run.heartbeat_at is not None and run.heartbeat_at > run.started_at
