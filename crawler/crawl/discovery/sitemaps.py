"""Sitemaps, sitemap indexes and Google News sitemaps, parsed with lxml's iterparse.

Scrapy's SitemapSpider drops `news:publication_date` and `news:title`, so
sitemaps are parsed here. Parsing is bounded: the sitemap protocol caps a file
at 50,000 URLs and 50 MB uncompressed, entities are never resolved, and
elements are cleared as they are read so a big file costs little memory.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from newsarchive.crawler.crawl.discovery import Discovered, parse_iso_datetime

MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


class SitemapError(ValueError):
    """Not a sitemap, or one beyond the limits."""


@dataclass
class SitemapDoc:
    kind: str  # "urlset" or "sitemapindex"
    urls: list[Discovered] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    truncated: bool = False


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(tag: object) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def decompress(body: bytes, limit: int = MAX_BYTES) -> bytes:
    """Gunzip a .xml.gz body (Scrapy only undoes Content-Encoding), refusing bombs."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SitemapError(f"bad gzip data: {exc}") from None
    if len(data) > limit:
        raise SitemapError(f"sitemap larger than {limit} bytes uncompressed")
    return data


def parse_sitemap(body: bytes, base_url: str, max_urls: int = MAX_URLS) -> SitemapDoc:
    """The article URLs (urlset) or child sitemaps (sitemapindex) of one sitemap file."""
    data = decompress(body)
    if len(data) > MAX_BYTES:
        raise SitemapError(f"sitemap larger than {MAX_BYTES} bytes")
    doc: SitemapDoc | None = None
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        recover=True,
        remove_comments=True,
    )
    try:
        for event, element in events:
            name = _local(element.tag)
            if doc is None:
                if event != "start" or name not in ("urlset", "sitemapindex"):
                    raise SitemapError(f"not a sitemap (root element <{name}>)")
                doc = SitemapDoc(kind=name)
                continue
            if event != "end" or name not in ("url", "sitemap"):
                continue
            if len(doc.urls) + len(doc.sitemaps) >= max_urls:
                doc.truncated = True
                break
            _read_entry(doc, element, base_url)
            element.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        if doc is None:
            raise SitemapError(f"not XML: {exc}") from None
    if doc is None:
        raise SitemapError("empty document")
    return doc


def _read_entry(doc: SitemapDoc, element: etree._Element, base_url: str) -> None:
    fields: dict[str, str] = {}
    for child in element.iter():
        if child is element:
            continue
        name, text = _local(child.tag), (child.text or "").strip()
        if not text:
            continue
        key = f"news:{name}" if _ns(child.tag) == NEWS_NS else name
        fields.setdefault(key, text)
    loc = fields.get("loc")
    if not loc:
        return
    url = urljoin(base_url, loc)
    if _local(element.tag) == "sitemap":
        doc.sitemaps.append(url)
        return
    hints = {k: v for k, v in fields.items() if k.startswith("news:")}
    doc.urls.append(
        Discovered(
            url=url,
            via="sitemap",
            title=fields.get("news:title"),
            published=parse_iso_datetime(fields.get("news:publication_date")),
            modified=parse_iso_datetime(fields.get("lastmod")),
            hints=hints,
        )
    )


def robots_sitemaps(text: str, base_url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt (they apply whatever the user-agent group)."""
    found: list[str] = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "sitemap":
            value = value.split("#", 1)[0].strip()
            if value:
                found.append(urljoin(base_url, value))
    return list(dict.fromkeys(found))
