"""Faulty feeds and sitemaps, through `newsarchive crawl`: each source handled, the crawl goes on.

One crawl over one sources file, one source per fault, so every fault runs
beside the others; the per-source counts in `crawl --json` say what became
of each, and the archive is checked afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newsarchive.storage.config import ArchiveConfig
from tests.helpers import newsarchive
from tests.reliability.support import check_archive
from tests.site.resolver import resolver_args
from tests.site.server import NewsSite

GROUP = "Faults in feeds and sitemaps (newsarchive crawl)"
HUGE_LIMIT = 20
OFFSITE_LIMIT = 5

GOOD_LOC = "<url><loc>{base}/gen/{n}.html</loc></url>"
SITEMAP = '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
ROUTES = {
    "/broken-sitemap.xml": SITEMAP + GOOD_LOC.replace("{n}", "7001") + "<url><loc>{base}/gen/7002.html</lo",
    "/empty-sitemap.xml": SITEMAP + "</urlset>",
    "/html-sitemap.xml": "<html><body><p>Not a sitemap at all</p></body></html>",
    "/laughs-sitemap.xml": (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
        + SITEMAP.split("?>", 1)[1]
        + "<url><loc>{base}/gen/&lol4;.html</loc></url>"
        + GOOD_LOC.replace("{n}", "7003")
        + "</urlset>"
    ),
}


@dataclass
class CrawlRun:
    site: NewsSite
    config: ArchiveConfig
    summary: dict[str, Any]
    returncode: int
    stderr: str

    def source(self, name: str) -> dict[str, int]:
        return self.summary["sources"][name]


# (source name, kind, document path, expected, check)
Check = Callable[[CrawlRun, dict[str, int]], str]


def _archived(n: int) -> Check:
    def check(run: CrawlRun, counts: dict[str, int]) -> str:
        assert counts.get("new_article", 0) == n, counts
        assert counts.get("failed", 0) == 0, counts
        return f"{counts.get('discovered', 0)} discovered, {n} archived"

    return check


def _recovered(run: CrawlRun, counts: dict[str, int]) -> str:
    # lxml's recovering parser may or may not save the torn last entry; never a failure.
    assert counts.get("new_article", 0) in (1, 2) and counts.get("failed", 0) == 0, counts
    return f"{counts['new_article']} of 2 entries archived (the torn one recovered by lxml)"


def _laughs(run: CrawlRun, counts: dict[str, int]) -> str:
    assert counts.get("new_article") == 1, counts
    assert "lollol" not in run.stderr
    return f"entities not expanded; the good entry archived, the mangled one recorded as {counts.get('failed', 0)} failed fetch"


def _nothing(run: CrawlRun, counts: dict[str, int]) -> str:
    assert counts.get("queued", 0) == 0 and counts.get("fetched", 0) == 0, counts
    return f"nothing queued; documents failed: {counts.get('documents_failed', 0)}"


def _huge(run: CrawlRun, counts: dict[str, int]) -> str:
    assert counts["discovered"] + counts.get("filtered", 0) == 5000, counts
    assert counts["queued"] == HUGE_LIMIT and counts.get("new_article") == HUGE_LIMIT, counts
    return f"5000 entries read, {counts.get('filtered', 0)} filtered, {HUGE_LIMIT} queued (max_urls)"


def _offsite(run: CrawlRun, counts: dict[str, int]) -> str:
    # A sitemap's entries are the publisher's own choice, on any host (site
    # families); the source's max_urls bounds what 2,000 of them can cost. The
    # hosts do not exist: each fetch fails at once (the test resolver, never DNS).
    assert counts.get("queued") == OFFSITE_LIMIT and counts.get("offsite", 0) == 0, counts
    assert counts.get("failed") == OFFSITE_LIMIT, counts
    return f"2000 entries on other hosts read, {OFFSITE_LIMIT} queued (max_urls), each a recorded failure"


def _failed_document(run: CrawlRun, counts: dict[str, int]) -> str:
    assert counts.get("documents_failed") == 1 and counts.get("queued", 0) == 0, counts
    return "source reported failed, the others went on"


SOURCES: list[tuple[str, str, str, str, Check]] = [
    ("malformed-feed", "feeds", "/fault/malformed-feed.xml", "the 3 good items archived", _archived(3)),
    ("empty-feed", "feeds", "/fault/empty-feed.xml", "no article, no failure", _nothing),
    (
        "huge-feed",
        "feeds",
        "/fault/huge-feed.xml?n=5000",
        f"parsed; at most max_urls={HUGE_LIMIT} fetched",
        _huge,
    ),
    (
        "offsite-sitemap",
        "sitemaps",
        "/fault/offsite-sitemap.xml?n=2000",
        f"accepted on any host, at most max_urls={OFFSITE_LIMIT} fetched",
        _offsite,
    ),
    ("broken-sitemap", "sitemaps", "/broken-sitemap.xml", "the complete entries archived", _recovered),
    ("empty-sitemap", "sitemaps", "/empty-sitemap.xml", "no article, no failure", _nothing),
    (
        "html-sitemap",
        "sitemaps",
        "/html-sitemap.xml",
        "refused as not a sitemap; source failed",
        _failed_document,
    ),
    ("laughs-sitemap", "sitemaps", "/laughs-sitemap.xml", "entities not expanded; run goes on", _laughs),
    ("feed-404", "feeds", "/fault/404", "source failed (HTTP 404), crawl goes on", _failed_document),
]
EXTRA = {
    # A TOML literal string: the backslashes reach the regex as written.
    "huge-feed": f"allow = ['/gen/\\d{{3,}}\\.html']\nmax_urls = {HUGE_LIMIT}\n",
    "offsite-sitemap": f"max_urls = {OFFSITE_LIMIT}\n",
}


@pytest.fixture(scope="module")
def crawl_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawlRun]:
    site = NewsSite(fixtures=False)
    tmp: Path = tmp_path_factory.mktemp("crawl-faults")
    config = ArchiveConfig(home=tmp / "home", db_url=f"sqlite:///{tmp / 'archive.db'}")
    for path, body in ROUTES.items():
        site.set_route(path, body.replace("{base}", site.base_url), content_type="application/xml")
    toml = "".join(
        f'[[source]]\nname = "{name}"\n{kind} = ["{site.url(path)}"]\n{EXTRA.get(name, "")}\n'
        for name, kind, path, _, _ in SOURCES
    )
    (tmp / "sources.toml").write_text(toml)
    try:
        done = newsarchive(
            config,
            "crawl",
            *resolver_args(),
            "--sources",
            str(tmp / "sources.toml"),
            "--no-throttle",
            "--json",
            timeout=300,
        )
        assert done.stdout.strip(), done.stderr[-3000:]
        yield CrawlRun(site, config, json.loads(done.stdout), done.returncode, done.stderr)
    finally:
        site.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "expected", "check"), [pytest.param(n, e, c, id=n) for n, _, _, e, c in SOURCES]
)
def test_faulty_discovery_document(crawl_run: CrawlRun, case, name: str, expected: str, check: Check) -> None:
    entry = case(GROUP, name, expected)
    entry.observed = check(crawl_run, crawl_run.source(name))


@pytest.mark.slow
def test_the_crawl_goes_on_and_the_archive_is_whole(crawl_run: CrawlRun, case) -> None:
    entry = case(
        GROUP,
        "all faulty sources in one crawl",
        "exit 1 (the unreadable sources failed), finished, archive whole",
    )
    assert crawl_run.returncode == 1 and crawl_run.summary["status"] == "finished"
    failed = set(crawl_run.summary["failed_sources"])
    # Whether an empty feed or sitemap counts as a failed source is the crawl's policy
    # (it cannot tell an empty feed from an error page); sources that archived never do.
    assert (
        {"feed-404", "html-sitemap"} <= failed <= {"feed-404", "html-sitemap", "empty-feed", "empty-sitemap"}
    )
    assert "Traceback" not in crawl_run.stderr
    integrity = check_archive(crawl_run.config)
    assert integrity.problems == []
    entry.observed = f"finished; failed sources: {', '.join(sorted(failed))}; {integrity.articles} articles, {integrity.captures} captures, archive whole"
