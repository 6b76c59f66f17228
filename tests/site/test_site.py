"""Tests of the local news site itself: documents parse, edits show, faults misbehave as promised."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import time
import urllib.robotparser
import zlib
from urllib.parse import urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
import trafilatura

from tests.site import NewsSite, SiteAPI
from tests.site.faults import FAULTS, NO_CHARSET_TEXT

SM = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def fetch(
    site: SiteAPI, path: str, headers: dict[str, str] | None = None, method: str = "GET", timeout: float = 10
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request, redirects not followed."""
    parts = urlsplit(site.base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def get(site: SiteAPI, path: str) -> bytes:
    status, _, body = fetch(site, path)
    assert status == 200, (path, status)
    return body


def extract(html: bytes) -> str:
    return trafilatura.extract(html.decode("utf-8"), include_comments=False) or ""


def links(html: bytes, base: str) -> set[str]:
    doc = lxml.html.document_fromstring(html)
    doc.make_links_absolute(base)
    return {a.get("href") for a in doc.iter("a")}


# -- discovery documents ---------------------------------------------------------------


def test_feeds_list_every_article(news_site: NewsSite) -> None:
    urls = {a.url for a in news_site.articles}
    assert len(urls) >= 6
    for path in ("/rss.xml", "/atom.xml"):
        feed = feedparser.parse(get(news_site, path))
        assert not feed.bozo, (path, feed.bozo_exception)
        assert {e.link for e in feed.entries} == urls, path
        assert all(e.title and e.get("published_parsed") for e in feed.entries), path
    feed = json.loads(get(news_site, "/feed.json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert {i["url"] for i in feed["items"]} == urls
    assert all(i["title"] and i["date_published"] for i in feed["items"])


def test_sitemaps(news_site: NewsSite) -> None:
    arts = {a.url: a for a in news_site.articles}
    plain = lxml.etree.fromstring(get(news_site, "/sitemap.xml"))
    assert {e.text for e in plain.iterfind("sm:url/sm:loc", SM)} == set(arts)
    assert len(plain.findall("sm:url/sm:lastmod", SM)) == len(arts)
    news = lxml.etree.fromstring(get(news_site, "/news-sitemap.xml"))
    for url in news.iterfind("sm:url", SM):
        a = arts[url.findtext("sm:loc", namespaces=SM)]
        assert url.findtext("news:news/news:title", namespaces=SM) == a.title
        assert url.findtext("news:news/news:publication_date", namespaces=SM) == a.published.isoformat()
    index = lxml.etree.fromstring(get(news_site, "/sitemap-index.xml"))
    locs = [e.text for e in index.iterfind("sm:sitemap/sm:loc", SM)]
    assert locs == [news_site.url("/sitemap.xml"), news_site.url("/news-sitemap.xml")]


def test_robots_txt(news_site: NewsSite) -> None:
    text = get(news_site, "/robots.txt").decode()
    assert "Disallow: /private/" in text
    assert f"Sitemap: {news_site.url('/sitemap-index.xml')}" in text
    rp = urllib.robotparser.RobotFileParser()
    rp.parse(text.splitlines())
    assert not rp.can_fetch("newsarchive", news_site.url("/private/secret.html"))
    assert rp.can_fetch("newsarchive", news_site.articles[0].url)
    assert fetch(news_site, "/private/secret.html")[0] == 200


def test_listing_pages(news_site: NewsSite) -> None:
    arts = news_site.articles
    home = links(get(news_site, "/"), news_site.base_url)
    assert {a.url for a in arts} <= home
    for section in ("world", "business"):
        found = links(get(news_site, f"/{section}/"), news_site.base_url)
        assert {a.url for a in arts if a.section == section} == {u for u in found if u.endswith(".html")}
    a = arts[0]
    assert a.url in links(get(news_site, f"/tag/{a.tags[0]}/"), news_site.base_url)
    assert a.url in links(get(news_site, f"/author/{a.author_slug}/"), news_site.base_url)
    assert fetch(news_site, "/tag/no-such-tag/")[0] == 404
    assert fetch(news_site, "/no/such/page.html")[0] == 404


# -- article pages and edits -----------------------------------------------------------


def test_articles_are_local_and_extractable(news_site: NewsSite) -> None:
    for a in news_site.articles:
        html = get(news_site, urlsplit(a.url).path)
        doc = lxml.html.document_fromstring(html)
        assert doc.xpath("//link[@rel='canonical']/@href") == [a.url], a.slug
        assert set(doc.xpath("//meta[@property='og:url']/@content")) <= {a.url}, a.slug
        if a.original_url:  # the original host is gone (its other subdomains may stay)
            host = urlsplit(a.original_url).hostname.removeprefix("www.")
            assert not re.search(r"//(www\.)?" + re.escape(host) + r"(?![\w.-])", html.decode()), a.slug
        assert a.lead in extract(html), a.slug


@pytest.mark.parametrize("index", range(6))
def test_edits_change_extraction_but_furniture_does_not(news_site: NewsSite, index: int) -> None:
    a = news_site.articles[index]
    path = urlsplit(a.url).path
    before = get(news_site, path)
    news_site.edit_furniture(a.slug)
    furnished = get(news_site, path)
    assert furnished != before
    assert extract(furnished) == extract(before)
    assert "comments" not in extract(furnished).split("\n")[-1]

    news_site.edit_headline(a.slug, "Harbour reopens after storm")
    edited = get(news_site, path).decode()
    assert "Harbour reopens after storm" in trafilatura.extract_metadata(edited).title
    doc = lxml.html.document_fromstring(edited)
    assert doc.findtext(".//h1").strip() == "Harbour reopens after storm"
    assert news_site.article(a.slug).title == "Harbour reopens after storm"

    added = news_site.edit_body(a.slug, "The council will publish its full response to the ruling on Friday.")
    text = extract(get(news_site, path))
    assert added in text and a.lead in text
    replaced = news_site.edit_body(
        a.slug, "A completely rewritten opening paragraph for the story.", mode="replace"
    )
    text = extract(get(news_site, path))
    assert replaced in text and a.lead not in text and added in text


def test_conditional_get(news_site: NewsSite) -> None:
    a = news_site.articles[0]
    path = urlsplit(a.url).path
    status, headers, _ = fetch(news_site, path)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag and modified
    assert fetch(news_site, path, {"If-None-Match": etag})[0] == 304
    assert fetch(news_site, path, {"If-Modified-Since": modified})[0] == 304
    assert fetch(news_site, path, {"If-None-Match": '"other"', "If-Modified-Since": modified})[0] == 200
    news_site.edit_headline(a.slug, "A changed headline")
    status, headers, _ = fetch(news_site, path, {"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag
    assert fetch(news_site, path, {"If-Modified-Since": modified})[0] == 200
    status, headers, body = fetch(news_site, path, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000
    feed_etag = fetch(news_site, "/rss.xml")[1]["ETag"]
    assert fetch(news_site, "/rss.xml", {"If-None-Match": feed_etag})[0] == 304


@pytest.mark.parametrize("status", [404, 410])
def test_delete_and_restore(news_site: NewsSite, status: int) -> None:
    a = news_site.articles[0]
    rss_modified = fetch(news_site, "/rss.xml")[1]["Last-Modified"]
    news_site.delete(a.slug, status=status)
    assert fetch(news_site, "/rss.xml", {"If-Modified-Since": rss_modified})[0] == 200
    assert fetch(news_site, urlsplit(a.url).path)[0] == status
    assert a.url not in {e.link for e in feedparser.parse(get(news_site, "/rss.xml")).entries}
    assert a.url.encode() not in get(news_site, "/sitemap.xml") + get(news_site, "/news-sitemap.xml")
    assert a.url not in links(get(news_site, "/"), news_site.base_url)
    assert a.slug not in {x.slug for x in news_site.articles}
    assert news_site.article(a.slug).status == status
    news_site.restore(a.slug)
    assert fetch(news_site, urlsplit(a.url).path)[0] == 200


def test_add_article_routes_and_request_log(news_site: NewsSite) -> None:
    spec = news_site.add_article(
        "new-bridge", "New bridge opens", ["The bridge opened today. " * 8, "More. " * 20]
    )
    assert spec.url == news_site.url("/2026/01/01/new-bridge.html")
    assert spec.url in {e.link for e in feedparser.parse(get(news_site, "/rss.xml")).entries}
    assert "The bridge opened today." in extract(get(news_site, "/2026/01/01/new-bridge.html"))
    news_site.edit_headline("new-bridge", "Bridge opening delayed")
    news_site.edit_body("new-bridge", "Engineers found a crack in the main span.")
    page = get(news_site, "/2026/01/01/new-bridge.html").decode()
    assert trafilatura.extract_metadata(page).title == "Bridge opening delayed"
    assert "Engineers found a crack in the main span." in extract(page.encode())
    with pytest.raises(ValueError):
        news_site.add_article("new-bridge", "Again", ["x"])

    news_site.set_route("/custom.html", b"<p>hi</p>", status=418, headers={"X-Test": "1"})
    status, headers, body = fetch(news_site, "/custom.html")
    assert (status, headers["X-Test"], body) == (418, "1", b"<p>hi</p>")
    news_site.set_route("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    assert get(news_site, "/robots.txt") == b"User-agent: *\nDisallow: /\n"
    news_site.redirect("/old.html", "/world/", status=308)
    status, headers, _ = fetch(news_site, "/old.html")
    assert (status, headers["Location"]) == (308, "/world/")

    news_site.clear_requests()
    fetch(news_site, "/world/?page=2", {"User-Agent": "probe"})
    fetch(news_site, "/world/")
    assert news_site.request_count("/world/") == 2
    assert news_site.request_count("/world/?page=2") == 1
    method, path, headers = news_site.requests[0]
    assert (method, path, headers["User-Agent"]) == ("GET", "/world/?page=2", "probe")


def test_keep_alive_and_generated_pages(news_site: NewsSite) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(news_site.base_url).port, timeout=5)
    for n in (1, 2, 3):
        conn.request("GET", f"/gen/{n}.html")
        resp = conn.getresponse()
        assert resp.status == 200 and f"Report {n}:" in resp.read().decode()
    conn.close()


# -- faults ----------------------------------------------------------------------------


def test_status_and_redirect_faults(news_site: NewsSite) -> None:
    assert fetch(news_site, "/fault/404")[0] == 404
    assert fetch(news_site, "/fault/500")[0] == 500
    assert fetch(news_site, "/fault/no-such-fault")[0] == 404
    for path, status, location in [
        ("/fault/redirect-loop", 302, "/fault/redirect-loop-2"),
        ("/fault/redirect-loop-2", 302, "/fault/redirect-loop"),
        ("/fault/redirect-offsite", 301, "http://other.invalid/"),
        ("/fault/redirect-home", 302, "/"),
    ]:
        got, headers, _ = fetch(news_site, path)
        assert (got, headers["Location"]) == (status, location)


@pytest.mark.parametrize("code", [503, 429])
def test_retry_after_faults(news_site: NewsSite, code: int) -> None:
    path = f"/fault/{code}-retry-after?fail=2"
    for _ in range(2):
        status, headers, _ = fetch(news_site, path)
        assert (status, headers["Retry-After"]) == (code, "1")
    assert fetch(news_site, path)[0] == 200
    assert fetch(news_site, f"/fault/{code}-retry-after?fail=0")[0] == 200


def test_slow_drip_and_reset(news_site: NewsSite) -> None:
    with pytest.raises(TimeoutError):
        fetch(news_site, "/fault/slow?seconds=5", timeout=0.3)
    start = time.monotonic()
    assert fetch(news_site, "/fault/drip?bytes=4&seconds=0.4")[2] == b"xxxx"
    assert time.monotonic() - start >= 0.3
    with pytest.raises((http.client.IncompleteRead, ConnectionResetError)):
        fetch(news_site, "/fault/reset")


def test_big_bodies(news_site: NewsSite) -> None:
    status, headers, body = fetch(news_site, "/fault/huge?mb=2")
    assert len(body) == int(headers["Content-Length"]) == 2 * 2**20 + 1024
    status, headers, body = fetch(news_site, "/fault/huge?mb=1&length=0")
    assert "Content-Length" not in headers and len(body) == 2**20 + 1024
    status, headers, body = fetch(news_site, "/fault/gzip-bomb?mb=8")
    assert headers["Content-Encoding"] == "gzip" and len(body) < 20_000
    assert gzip.decompress(body) == bytes(8 * 2**20)
    status, headers, body = fetch(news_site, "/fault/gzip-bomb")
    assert len(body) == int(headers["Content-Length"]) < 2 * 2**20
    d = zlib.decompressobj(31)
    assert d.decompress(body, 50 * 2**20) == bytes(50 * 2**20)


def test_content_faults(news_site: NewsSite) -> None:
    status, headers, body = fetch(news_site, "/fault/binary")
    assert headers["Content-Type"].startswith("text/html") and len(body) == 64 * 1024
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    status, headers, body = fetch(news_site, "/fault/pdf")
    assert headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF-")
    status, headers, body = fetch(news_site, "/fault/no-charset")
    assert headers["Content-Type"] == "text/html" and b"charset" not in body
    assert NO_CHARSET_TEXT in body.decode("latin-1")
    status, headers, body = fetch(news_site, "/fault/wrong-charset")
    assert "utf-8" in headers["Content-Type"] and "\u201c" in body.decode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "Gale-force winds" in extract(get(news_site, "/fault/malformed"))
    status, headers, body = fetch(news_site, "/fault/empty")
    assert (status, headers["Content-Length"], body) == (200, "0", b"")


def test_feed_faults(news_site: NewsSite) -> None:
    assert feedparser.parse(get(news_site, "/fault/malformed-feed.xml")).bozo
    empty = feedparser.parse(get(news_site, "/fault/empty-feed.xml"))
    assert not empty.bozo and empty.entries == []
    assert get(news_site, "/fault/huge-feed.xml").count(b"<item>") == 5000
    feed = feedparser.parse(get(news_site, "/fault/huge-feed.xml?n=50"))
    assert len(feed.entries) == 50 and fetch(news_site, urlsplit(feed.entries[7].link).path)[0] == 200
    urls = lxml.etree.fromstring(get(news_site, "/fault/offsite-sitemap.xml?n=300")).iterfind(
        "sm:url/sm:loc", SM
    )
    hosts = [urlsplit(u.text).hostname for u in urls]
    assert len(hosts) == 300 and "127.0.0.1" not in hosts
    assert len(FAULTS) >= 20


# -- lifecycle -------------------------------------------------------------------------


def test_close_with_a_slow_request_pending() -> None:
    site = NewsSite()
    parts = urlsplit(site.base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", "/fault/slow?seconds=60")
    start = time.monotonic()
    site.close()
    assert time.monotonic() - start < 3
    conn.close()
    with pytest.raises(OSError):
        fetch(site, "/", timeout=1)


def test_subprocess_site(news_site_process: SiteAPI) -> None:
    site = news_site_process
    assert "Disallow: /private/" in get(site, "/robots.txt").decode()
    a = site.articles[0]
    site.edit_headline(a.slug, "Edited from another process")
    assert site.article(a.slug).title == "Edited from another process"
    assert "Edited from another process" in get(site, urlsplit(a.url).path).decode()
    site.delete(a.slug, status=410)
    assert fetch(site, urlsplit(a.url).path)[0] == 410
    assert site.request_count(urlsplit(a.url).path) == 2
    with pytest.raises(KeyError):
        site.edit_headline("no-such-slug", "x")


def test_wall_pages_are_served_with_status_200_and_one_alternates(news_site: NewsSite) -> None:
    from tests.site.walls import ARTICLE_TITLE, WALL_ROUTES

    for name in WALL_ROUTES:
        assert fetch(news_site, f"/walls/{name}")[0] == 200
    assert fetch(news_site, "/walls/no-such-wall")[0] == 404
    served = [
        ARTICLE_TITLE in fetch(news_site, "/walls/sometimes.html?pattern=AWW")[2].decode() for _ in range(4)
    ]
    assert served == [True, False, False, True]
