"""Site families on the local news web: feeds on other hosts, section pages, redirects, variants, charsets."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from newsarchive.crawler.cli.crawl_commands import EXIT_SOURCE_FAILED
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article, Capture, Version
from tests.crawl.conftest import FAST, run_cli, summary
from tests.site import hosts as H
from tests.site.families import NEWS, NEWS_MOVED_FROM, NEWS_PRIVATE, NEWS_WIRE, PAPER, PAPER_WIRE
from tests.site.web import NewsWeb


def _toml(sources: dict[str, dict[str, object]]) -> str:
    lines = []
    for name, keys in sources.items():
        lines += ["[[source]]", f"name = {json.dumps(name)}"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in keys.items()]
    return "\n".join(lines) + "\n"


def _crawl(config: ArchiveConfig, web: NewsWeb, path: Path, *extra: str) -> object:
    return run_cli(config, "crawl", "--sources", str(path), "--json", *FAST, *web.resolver_args(), *extra)


def test_feeds_on_other_hosts_and_domains_archive_their_entries(
    news_web: NewsWeb, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    www, paper = news_web.url(H.NEWS_WWW, ""), news_web.url(H.PAPER_WWW, "")
    path = write_sources(
        _toml(
            {
                # The feed on feeds.example-news.test lists www articles (plus a
                # moved slug, an AMP copy and a robots-disallowed page); the
                # section page is asked for on the bare domain, which redirects to www.
                "example-news": {
                    "feeds": [news_web.url(H.NEWS_FEEDS, "/rss.xml")],
                    "sitemaps": [news_web.url(H.NEWS_WWW, "/news-sitemap.xml")],
                    "pages": [news_web.url(H.NEWS_BARE, "/world/")],
                },
                # A feed on another registrable domain than its articles.
                "other-paper": {"feeds": [news_web.url(H.PAPER_FEEDS, "/other-paper.xml")]},
            }
        )
    )
    result = _crawl(sqlite_config, news_web, path)
    assert result.returncode == 0, result.stderr[-3000:]
    report = summary(result)
    expected = {www + s.path for s in (*NEWS, NEWS_WIRE)} | {paper + s.path for s in (*PAPER, PAPER_WIRE)}
    assert report["totals"]["new_article"] == len(expected)
    assert report["failed_sources"] == []
    with Archive(sqlite_config) as archive, archive.sessions() as session:
        articles = {a.canonical_url: a for a in session.scalars(select(Article))}
        assert set(articles) == expected
        # One version each: the AMP copy and the moved slug are the same article,
        # the wire story is one article per site.
        assert {url: a.version_count for url, a in articles.items()} == dict.fromkeys(expected, 1)
        titles = {v.title for v in session.scalars(select(Version))}
        assert {"Hafenbrücke wieder geöffnet", "港の橋が再開", "Storm hits the coast"} <= titles
        skipped = set(session.scalars(select(Capture.requested_url).where(Capture.outcome == "skipped")))
        assert skipped == {www + NEWS_PRIVATE.path}
    # robots.txt is per host: www's forbids /private/; the page was never asked for.
    assert news_web.request_count(H.NEWS_WWW, NEWS_PRIVATE.path) == 0
    for host in (H.NEWS_WWW, H.NEWS_FEEDS, H.PAPER_WWW, H.PAPER_FEEDS):
        assert news_web.request_count(host, "/robots.txt") >= 1, host
    assert news_web.request_count(H.NEWS_WWW, NEWS_MOVED_FROM) == 1
    # The section page's link to the partner site is not followed from it
    # (the other source's feed lists that story; it is fetched once).
    assert news_web.request_count(H.PAPER_WWW, PAPER[0].path) == 1
    assert report["sources"]["example-news"]["offsite"] == 1
    assert not any(host == H.NEWS_CDN for host, _ in news_web.requested())


def test_links_on_other_sites_fail_the_source_and_say_which_hosts_to_add(
    news_web: NewsWeb, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    partners = {"pages": [news_web.url(H.NEWS_WWW, "/partners/")]}
    result = _crawl(sqlite_config, news_web, write_sources(_toml({"partners": partners})))
    assert result.returncode == EXIT_SOURCE_FAILED, result.stderr[-3000:]
    report = summary(result)
    reason = f'{len(PAPER)} links on other sites: add hosts = ["other-paper.test"]'
    assert report["failed_sources"] == ["partners"]
    assert report["source_problems"] == {"partners": reason}
    # Without --json, the summary line says it too.
    plain = run_cli(
        sqlite_config,
        "crawl",
        "--sources",
        str(write_sources(_toml({"partners": partners}))),
        *FAST,
        *news_web.resolver_args(),
    )
    assert plain.returncode == EXIT_SOURCE_FAILED
    assert f"partners: {reason}" in plain.stdout

    # Named in hosts, the partner site's links are followed.
    allowed = {**partners, "hosts": ["other-paper.test"]}
    result = _crawl(sqlite_config, news_web, write_sources(_toml({"partners": allowed})))
    assert result.returncode == 0, result.stderr[-3000:]
    report = summary(result)
    assert report["totals"]["new_article"] == len(PAPER)
    assert report["failed_sources"] == [] and report["source_problems"] == {}
