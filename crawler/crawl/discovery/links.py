"""Section pages: the links on them that look like articles.

A section page links to everything: other sections, tags, authors, paging,
the about page. Only links that stay on the site (decided by the
crawl's admission rules) and have the shape of an article URL (a date, a long slug, a numeric id) are kept. Hosts are
compared here, not with LinkExtractor's allow_domains, which fails on URLs
with a port.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

MAX_LINKS = 2000

# Path segments that mark listing and utility pages, never articles.
NON_ARTICLE_SEGMENTS = frozenset(
    {
        "tag",
        "tags",
        "author",
        "authors",
        "category",
        "categories",
        "topic",
        "topics",
        "section",
        "sections",
        "page",
        "search",
        "login",
        "signin",
        "register",
        "subscribe",
        "account",
        "feed",
        "feeds",
        "rss",
        "about",
        "contact",
        "privacy",
        "terms",
        "newsletter",
        "newsletters",
        "cdn-cgi",
        "wp-admin",
        "wp-login.php",
    }
)
NON_ARTICLE_EXTENSIONS = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|ico|css|js|json|xml|rss|atom|pdf|zip|gz|mp3|mp4|m4a|mov|webm|txt)$", re.I
)
_DATE = re.compile(r"/(19|20)\d{2}[/-](0?[1-9]|1[0-2])([/-]\d{1,2})?(/|-|$)|\b(19|20)\d{6}\b")
_LONG_ID = re.compile(r"\d{5,}")
_WORD_SPLIT = re.compile(r"[-_]+")


def page_links(body: bytes, base_url: str) -> list[str]:
    """Absolute http(s) URLs of the <a href> links of a page, in order, without fragments."""
    try:
        root = lxml.html.fromstring(body)
    except (etree.ParserError, ValueError):
        return []
    base = root.xpath("string(//base/@href)") or base_url
    links: dict[str, None] = {}
    for href in root.xpath("//a/@href"):
        href = str(href).strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        url = urljoin(urljoin(base_url, base), href).split("#", 1)[0]
        if url.startswith(("http://", "https://")):
            links.setdefault(url, None)
        if len(links) >= MAX_LINKS:
            break
    return list(links)


def same_site(url: str, hosts: set[str]) -> bool:
    """Same host as one of the source's documents (a "www." prefix ignored); ports do not matter."""
    host = (urlsplit(url).hostname or "").lower()
    bare = {h.removeprefix("www.") for h in hosts}
    return host.removeprefix("www.") in bare


def looks_like_listing(url: str) -> bool:
    """A home, section, tag, author or paging page: never archived as an article.

    Applied to every discovered URL (some sitemaps list sections and tags);
    the stricter `looks_like_article` only to links found on section pages.
    """
    parts = urlsplit(url)
    segments = [s.lower() for s in parts.path.split("/") if s]
    if not segments:
        return True
    if any(s in NON_ARTICLE_SEGMENTS for s in segments[:-1]) or segments[-1] in NON_ARTICLE_SEGMENTS:
        return True
    return len(segments) == 1 and parts.path.endswith("/") and not _DATE.search(parts.path)


def looks_like_article(url: str) -> bool:
    """The URL has the shape of an article, not of a section, tag, author or paging page."""
    parts = urlsplit(url)
    path = parts.path
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    lowered = [s.lower() for s in segments]
    if any(s in NON_ARTICLE_SEGMENTS for s in lowered):
        return False
    if NON_ARTICLE_EXTENSIONS.search(path):
        return False
    if re.search(r"[?&](page|p)=\d+", "?" + parts.query):
        return False
    if _DATE.search(path):
        return True
    last = re.sub(r"\.(s?html?|php|aspx?)$", "", lowered[-1])
    if _LONG_ID.search(last):
        return True
    if len([w for w in _WORD_SPLIT.split(last) if w]) >= 3:
        return True
    # /section/some.html: a page file below a section, the shape of many CMSs.
    return len(segments) >= 2 and lowered[-1].endswith((".html", ".htm"))


def article_links(body: bytes, base_url: str, hosts: set[str] | None = None) -> list[str]:
    """Links of a section page that look like articles (and stay on `hosts`, when given).

    The crawl passes no hosts: which sites a source may follow is decided
    by newsarchive.crawler.crawl.admission, which counts what it leaves.
    """
    links = [u for u in page_links(body, base_url) if looks_like_article(u)]
    return links if hosts is None else [u for u in links if same_site(u, hosts)]
