"""Discovery parsers: every feed and sitemap kind, robots.txt, and the article-link heuristics."""

from __future__ import annotations

import gzip
import urllib.request
from datetime import UTC, datetime

import pytest

from newsarchive.crawler.crawl.discovery.feeds import parse_feed
from newsarchive.crawler.crawl.discovery.links import (
    article_links,
    looks_like_article,
    looks_like_listing,
    same_site,
)
from newsarchive.crawler.crawl.discovery.sitemaps import SitemapError, parse_sitemap, robots_sitemaps
from tests.site import NewsSite


def get(site: NewsSite, path: str) -> bytes:
    with urllib.request.urlopen(site.url(path), timeout=10) as response:
        return response.read()


@pytest.mark.parametrize("path", ["/rss.xml", "/atom.xml", "/feed.json"])
def test_each_feed_kind_lists_every_article(news_site: NewsSite, path: str) -> None:
    articles = {a.url: a for a in news_site.articles}
    entries = parse_feed(get(news_site, path), news_site.url(path))
    assert {e.url for e in entries} == set(articles)
    for entry in entries:
        assert entry.via == "feed"
        assert entry.title == articles[entry.url].title
        assert entry.published == articles[entry.url].published.replace(microsecond=0)


def test_rdf_feed() -> None:
    rdf = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://ex.org/"><title>Ex</title><link>https://ex.org/</link></channel>
<item rdf:about="https://ex.org/2026/01/02/a-story.html"><title>A story</title>
<link>https://ex.org/2026/01/02/a-story.html</link><dc:date>2026-01-02T10:00:00Z</dc:date></item>
</rdf:RDF>"""
    (entry,) = parse_feed(rdf, "https://ex.org/rdf")
    assert entry.url == "https://ex.org/2026/01/02/a-story.html"
    assert entry.title == "A story"
    assert entry.newest_date == datetime(2026, 1, 2, 10, tzinfo=UTC)


def test_relative_links_and_garbage() -> None:
    rss = (
        b'<rss version="2.0"><channel><item><link>/2026/01/x.html</link></item><item></item></channel></rss>'
    )
    assert [e.url for e in parse_feed(rss, "https://ex.org/feed")] == ["https://ex.org/2026/01/x.html"]
    assert parse_feed(b"<html>not a feed</html>", "https://ex.org/") == []
    assert (
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "items": [1, {}]}', "https://ex.org/")
        == []
    )


def test_news_sitemap_keeps_news_fields(news_site: NewsSite) -> None:
    articles = {a.url: a for a in news_site.articles}
    doc = parse_sitemap(get(news_site, "/news-sitemap.xml"), news_site.url("/news-sitemap.xml"))
    assert doc.kind == "urlset" and not doc.sitemaps
    assert {u.url for u in doc.urls} == set(articles)
    for entry in doc.urls:
        assert entry.title == articles[entry.url].title  # news:title
        assert entry.published == articles[entry.url].published  # news:publication_date
        assert entry.hints["news:language"] == "en"


def test_plain_sitemap_and_index(news_site: NewsSite) -> None:
    articles = {a.url: a for a in news_site.articles}
    doc = parse_sitemap(get(news_site, "/sitemap.xml"), news_site.url("/sitemap.xml"))
    assert {u.url: u.modified for u in doc.urls} == {url: a.modified for url, a in articles.items()}
    index = parse_sitemap(get(news_site, "/sitemap-index.xml"), news_site.base_url)
    assert index.kind == "sitemapindex" and not index.urls
    assert index.sitemaps == [news_site.url("/sitemap.xml"), news_site.url("/news-sitemap.xml")]


def test_sitemaps_are_bounded_and_checked() -> None:
    body = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + b"".join(b"<url><loc>https://ex.org/%d/a-b-c</loc></url>" % i for i in range(50))
        + b"</urlset>"
    )
    doc = parse_sitemap(gzip.compress(body), "https://ex.org/s.xml.gz", max_urls=10)
    assert len(doc.urls) == 10 and doc.truncated
    with pytest.raises(SitemapError, match="not a sitemap"):
        parse_sitemap(b"<html><body>hi</body></html>", "https://ex.org/")
    with pytest.raises(SitemapError):
        parse_sitemap(b"\x1f\x8bnot gzip", "https://ex.org/")
    # An entity is never expanded (no billion laughs, no file reads).
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://ex.org/&e;</loc></url></urlset>'
    )
    assert all("root:" not in u.url for u in parse_sitemap(evil, "https://ex.org/").urls)


def test_robots_sitemap_lines(news_site: NewsSite) -> None:
    text = get(news_site, "/robots.txt").decode()
    assert robots_sitemaps(text, news_site.url("/robots.txt")) == [news_site.url("/sitemap-index.xml")]
    assert robots_sitemaps("User-agent: *\nsitemap: /s.xml # main\n", "https://ex.org/robots.txt") == [
        "https://ex.org/s.xml"
    ]


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://ex.org/2026/01/02/some-story.html", True),
        ("https://ex.org/world/2026-01-02/story", True),
        ("https://ex.org/news/world-leaders-meet-in-geneva", True),
        ("https://ex.org/news/article-123456", True),
        ("https://ex.org/world/story.html", True),
        ("https://ex.org/world/", False),
        ("https://ex.org/", False),
        ("https://ex.org/tag/politics/", False),
        ("https://ex.org/author/jane-reporter/", False),
        ("https://ex.org/category/world-news-today/", False),
        ("https://ex.org/world/page/2", False),
        ("https://ex.org/world/?page=2", False),
        ("https://ex.org/2026/01/02/photo.jpg", False),
        ("https://ex.org/about", False),
    ],
)
def test_article_shapes(url: str, article: bool) -> None:
    assert looks_like_article(url) is article


@pytest.mark.parametrize(
    ("url", "listing"),
    [
        ("https://ex.org/", True),
        ("https://ex.org/world/", True),
        ("https://ex.org/tag/politics/", True),
        ("https://ex.org/author/jane/", True),
        ("https://ex.org/news/page/3", True),
        ("https://ex.org/2026/01/02/story.html", False),
        ("https://ex.org/gen/12.html", False),
        ("https://ex.org/fault/recovered?x=1", False),
    ],
)
def test_listing_pages_are_recognised(url: str, listing: bool) -> None:
    assert looks_like_listing(url) is listing


def test_section_page_links(news_site: NewsSite) -> None:
    html = get(news_site, "/world/")
    links = article_links(html, news_site.url("/world/"), {"127.0.0.1"})
    world = {a.url for a in news_site.articles if a.section == "world"}
    assert world and set(links) == world
    assert not any("/tag/" in u or "/author/" in u for u in links)
    # Ports do not matter, hosts do (LinkExtractor's allow_domains fails here).
    assert same_site("http://127.0.0.1:8080/x", {"127.0.0.1"})
    assert same_site("https://www.ex.org/x", {"ex.org"})
    assert not same_site("https://evil.org/x", {"ex.org"})


def test_feed_categories_are_kept_from_every_feed_kind() -> None:
    rss = (
        b'<rss version="2.0"><channel><item><link>https://e.com/a</link>'
        b"<category>World</category><category> Europe </category><category>World</category></item></channel></rss>"
    )
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://e.com/b"/>'
        b'<category term="Politics"/></entry></feed>'
    )
    json_feed = (
        b'{"version": "https://jsonfeed.org/version/1.1", "items": '
        b'[{"url": "https://e.com/c", "tags": ["Climate", 7, ""]}, {"url": "https://e.com/d"}]}'
    )
    assert [e.hints for e in parse_feed(rss, "https://e.com/")] == [{"categories": ["World", "Europe"]}]
    assert [e.hints for e in parse_feed(atom, "https://e.com/")] == [{"categories": ["Politics"]}]
    assert [e.hints for e in parse_feed(json_feed, "https://e.com/")] == [{"categories": ["Climate"]}, {}]
