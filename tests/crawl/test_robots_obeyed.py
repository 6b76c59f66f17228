"""robots.txt obeyed by every request to a host, however many start together, on every path.

Scrapy 2.14+ handed a new host's parsed robots.txt to the first waiting
request only; the others saw "no robots.txt" and were fetched. Each test here
starts a dozen requests to a fresh host at once (CONCURRENT_REQUESTS 16).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.crawl_state.frontier import Frontier, Queued
from newsarchive.storage.models import Article, Capture
from newsarchive.storage.warc.store import WarcLocation, read_response
from tests.crawl.conftest import FAST, run_cli, sources_toml, summary
from tests.helpers import capture_json
from tests.site.server import NewsSite

PRIVATE = [f"/private/p{i}.html" for i in range(12)]
NO_BACKOFF = ("-s", "NEWSARCHIVE_RETRY_BACKOFF=0")


def private_pages(site: NewsSite) -> list[str]:
    """Real article pages under /private/, which the site's robots.txt disallows."""
    for i, path in enumerate(PRIVATE):
        body = " ".join(f"Paragraph {n} of the memo says something different each time." for n in range(30))
        site.set_route(path, f"<html><body><article><h1>Memo {i}</h1><p>{body}</p></article></body></html>")
    return [site.url(p) for p in PRIVATE]


def rss(site: NewsSite, path: str, urls: list[str]) -> str:
    items = "".join(f"<item><link>{url}</link></item>" for url in urls)
    site.set_route(
        path, f'<rss version="2.0"><channel>{items}</channel></rss>', content_type="application/rss+xml"
    )
    return site.url(path)


def captures(config: ArchiveConfig) -> list[Capture]:
    with Archive(config) as archive, archive.sessions() as session:
        return list(session.scalars(select(Capture).order_by(Capture.id)))


def assert_none_fetched(site: NewsSite) -> None:
    fetched = [p for p in PRIVATE if site.request_count(p)]
    assert fetched == [], f"fetched although robots.txt disallows them: {fetched}"


def test_capture_of_many_disallowed_urls_fetches_none(
    news_site: NewsSite, sqlite_config: ArchiveConfig
) -> None:
    allowed = news_site.articles[0].url
    results = capture_json(sqlite_config, *private_pages(news_site), allowed)
    assert [r["outcome"] for r in results].count("skipped") == len(PRIVATE), results
    assert all(r["reason"] == "forbidden by robots.txt" for r in results if r["outcome"] == "skipped")
    assert_none_fetched(news_site)
    assert news_site.request_count("/robots.txt") == 1

    # Provenance: every capture, allowed or refused, points at the robots.txt
    # response that decided it, kept in the WARC.
    rows = captures(sqlite_config)
    assert len(rows) == len(PRIVATE) + 1
    links = {tuple(sorted(row.extra["robots_txt"].items())) for row in rows if row.extra}
    assert len(links) == 1 and all(row.extra for row in rows)
    link = rows[0].extra["robots_txt"]
    kept = read_response(
        sqlite_config.warc_dir, WarcLocation(link["warc_file"], link["warc_offset"], link["warc_length"])
    )
    assert kept.url == news_site.url("/robots.txt") == link["url"] and kept.status == link["status"] == 200
    assert b"Disallow: /private/" in kept.body


def test_robots_txt_answering_5xx_refuses_the_host_and_4xx_allows_it(
    news_site: NewsSite, sqlite_config: ArchiveConfig
) -> None:
    urls = [a.url for a in news_site.articles[:6]]
    news_site.set_route("/robots.txt", "down for maintenance", status=503, content_type="text/plain")
    refused = capture_json(sqlite_config, *urls, extra=NO_BACKOFF)
    assert [r["outcome"] for r in refused] == ["skipped"] * len(urls), refused
    assert all(r["reason"].startswith("robots.txt unavailable (HTTP 503)") for r in refused)
    assert all(news_site.request_count(a.path) == 0 for a in news_site.articles[:6])
    # The 503 is kept as the provenance of the refusals.
    assert {row.extra["robots_txt"]["status"] for row in captures(sqlite_config)} == {503}

    news_site.set_route("/robots.txt", "no such file", status=404, content_type="text/plain")
    allowed = capture_json(sqlite_config, *urls, *private_pages(news_site)[:6], extra=NO_BACKOFF)
    assert [r["outcome"] for r in allowed] == ["new_article"] * 12, allowed


def test_crawl_obeys_robots_for_discovery_documents_and_articles(
    news_site: NewsSite, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    private = private_pages(news_site)
    listed = rss(news_site, "/listing.xml", private)
    # Four discovery documents under /private/ (the site would serve them): none may be read.
    documents = [rss(news_site, f"/private/feed{i}.xml", private) for i in range(4)]
    path = write_sources(sources_toml(news_site, feeds=[*documents, listed]))
    result = run_cli(sqlite_config, "crawl", "--sources", str(path), "--json", *FAST)
    assert summary(result)["totals"]["new_article"] == 0, result.stdout
    assert_none_fetched(news_site)
    assert all(news_site.request_count(f"/private/feed{i}.xml") == 0 for i in range(4))
    assert news_site.request_count("/listing.xml") == 1


def test_a_resumed_crawls_queue_obeys_robots(
    news_site: NewsSite, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    with Archive(sqlite_config) as archive:
        Frontier(archive.sessions).add([Queued(url, "local", "feed", {}) for url in private_pages(news_site)])
    path = write_sources(
        sources_toml(news_site, feeds=[rss(news_site, "/one.xml", [news_site.articles[0].url])])
    )
    result = run_cli(sqlite_config, "crawl", "--sources", str(path), "--json", *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    assert summary(result)["totals"]["skipped"] == len(PRIVATE)
    assert summary(result)["totals"]["new_article"] == 1
    assert_none_fetched(news_site)


def test_revisits_obey_a_changed_robots_txt(news_site: NewsSite, sqlite_config: ArchiveConfig) -> None:
    articles = news_site.articles[:12]
    first = capture_json(sqlite_config, *(a.url for a in articles))
    assert [r["outcome"] for r in first] == ["new_article"] * len(articles)
    news_site.set_route("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    news_site.clear_requests()
    with Archive(sqlite_config) as archive, archive.sessions.begin() as session:
        session.execute(update(Article).values(next_check_at=datetime.now(UTC) - timedelta(seconds=1)))
    result = run_cli(sqlite_config, "revisit", "--json", *FAST)
    assert summary(result)["totals"]["skipped"] == len(articles), result.stdout
    assert [r.path for r in news_site.requests] == ["/robots.txt"]


def test_a_redirect_to_another_host_obeys_and_links_that_hosts_robots_txt(
    news_site: NewsSite, sqlite_config: ArchiveConfig
) -> None:
    # localhost:PORT is the same server under another host name: robots.txt is per host.
    other = news_site.base_url.replace("127.0.0.1", "localhost")
    article = news_site.articles[0]
    news_site.redirect("/moved.html", other + article.path)
    news_site.redirect("/moved-private.html", other + PRIVATE[0])
    private_pages(news_site)
    results = capture_json(sqlite_config, news_site.url("/moved.html"), news_site.url("/moved-private.html"))
    outcomes = {r["url"]: r["outcome"] for r in results}
    assert outcomes == {
        news_site.url("/moved.html"): "new_article",
        news_site.url("/moved-private.html"): "skipped",
    }
    assert news_site.request_count(PRIVATE[0]) == 0
    links = {row.requested_url: row.extra["robots_txt"]["url"] for row in captures(sqlite_config)}
    assert links == {
        news_site.url("/moved.html"): other + "/robots.txt",
        news_site.url("/moved-private.html"): other + "/robots.txt",
    }
