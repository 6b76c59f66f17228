"""Feeds and sitemaps are asked for conditionally; a 304 costs no parse and loses no entry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from newsarchive.storage.config import ArchiveConfig
from tests.crawl.conftest import FAST, run_cli, sources_toml, summary
from tests.site.server import NewsSite

DOCUMENTS = ["/rss.xml", "/atom.xml", "/sitemap-index.xml", "/sitemap.xml", "/news-sitemap.xml"]


def conditional(site: NewsSite, path: str) -> bool:
    [request] = [r for r in site.requests if r.path == path]
    return {"if-none-match", "if-modified-since"} <= {k.lower() for k in request.headers}


def test_unchanged_feeds_and_sitemaps_answer_304_and_are_not_parsed(
    news_site: NewsSite, archive_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    path = write_sources(
        sources_toml(
            news_site,
            feeds=[news_site.url("/rss.xml"), news_site.url("/atom.xml")],
            sitemaps=[news_site.url("/sitemap-index.xml")],
        )
    )
    articles = len(news_site.articles)
    first = summary(run_cli(archive_config, "crawl", "--sources", str(path), "--json", *FAST))
    assert first["totals"]["new_article"] == articles
    assert not any(conditional(news_site, p) for p in DOCUMENTS)

    news_site.clear_requests()
    second = run_cli(archive_config, "crawl", "--sources", str(path), "--json", *FAST)
    assert second.returncode == 0, second.stderr[-3000:]
    counts = summary(second)["sources"]["local"]
    # Every document, the index's two children included, came back 304...
    assert counts["documents_not_modified"] == len(DOCUMENTS), counts
    assert all(conditional(news_site, p) for p in DOCUMENTS)
    # ... and nothing was parsed: no entry discovered, not even an already archived one.
    assert counts.get("discovered", 0) == 0 and counts.get("already_archived", 0) == 0

    # A new article changes the feeds: read in full again, and it is archived.
    news_site.add_article("fresh-story", "A fresh story", ["Fresh reporting. " * 40, "More facts. " * 40])
    third = summary(run_cli(archive_config, "crawl", "--sources", str(path), "--json", *FAST))
    assert third["totals"]["new_article"] == 1
    assert third["sources"]["local"]["discovered"] >= articles + 1

    # Past NEWSARCHIVE_DOCUMENT_REFRESH since the last full read, documents are read in full
    # again (URLs they list whose fetch failed are queued again).
    news_site.clear_requests()
    stale = run_cli(
        archive_config,
        "crawl",
        "--sources",
        str(path),
        "--json",
        *FAST,
        "-s",
        "NEWSARCHIVE_DOCUMENT_REFRESH=0",
    )
    counts = summary(stale)["sources"]["local"]
    assert counts.get("documents_not_modified", 0) == 0
    assert not any(conditional(news_site, p) for p in DOCUMENTS)
    assert counts["discovered"] >= articles + 1
