"""Plain rules about a fetched page, apart from Scrapy and the database."""

from __future__ import annotations

import codecs
import re
from urllib.parse import urlsplit

from newsarchive.crawler.crawl.items import FailureItem, PageItem
from newsarchive.storage.fetch import ExtractedArticle, Fetch, select_headers
from newsarchive.storage.models.capture import Outcome
from newsarchive.storage.write.declared import declared_record
from newsarchive.storage.write.dedup import sha256_bytes


def fetch_record(item: PageItem | FailureItem, crawl_run_id: int | None) -> Fetch:
    """The storage-side record of one fetch."""
    body = item.body if isinstance(item, PageItem) else None
    content_type = next((v for k, v in item.headers if k.lower() == "content-type"), None)
    return Fetch(
        requested_url=item.context.requested_url,
        fetched_at=item.fetched_at,
        final_url=item.final_url,
        status_code=item.status,
        headers=select_headers(item.headers),
        content_type=content_type,
        body_sha256=sha256_bytes(body) if body is not None else None,
        body_size=len(body) if body is not None else None,
        warc=item.warc,
        ignore_robots=item.context.ignore_robots,
        via=item.context.via,
        crawl_run_id=crawl_run_id,
        source=item.context.source,
        error=item.reason if isinstance(item, FailureItem) else None,
        error_outcome=item.outcome if isinstance(item, FailureItem) else Outcome.FAILED,
        declared=declared_record(item.hints) if isinstance(item, PageItem) else None,
        robots=item.robots,
    )


def media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith(
        (b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<meta", b"<?xml", b"<")
    )


# Every byte but the control characters text never holds (tab, newlines, form feed are fine).
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))


def html_problem(item: PageItem, html_types: tuple[str, ...]) -> str | None:
    """Why this response cannot be an article page, or None if it can."""
    if not item.body or item.body.isspace():  # not .strip(): that copies the whole body
        return "empty body"
    kind = media_type(item.content_type)
    if kind is None:
        return None if looks_like_html(item.body) else "no Content-Type and the body does not look like HTML"
    if kind not in html_types:
        return f"non-HTML body ({kind})"
    # Binary served as text/html: a real page has almost no control bytes.
    sample = item.body[:4096]
    controls = len(sample.translate(None, _NOT_CONTROL))  # in C: a Python loop cost 0.3 ms a page
    if controls > len(sample) * 0.05:
        return "binary body served as HTML"
    return None


def redirected_home(requested_url: str, final_url: str) -> bool:
    """A request for an article that ended on the site's front page."""
    requested, final = urlsplit(requested_url), urlsplit(final_url)
    return final.path in ("", "/") and requested.path not in ("", "/") and not final.query


# Labels browsers read as windows-1252 (WHATWG Encoding Standard): a server
# saying latin-1 almost always means cp1252 (curly quotes, the euro sign).
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii"}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def header_decoded(body: bytes, content_type: str | None) -> str | bytes:
    """The page as text when the HTTP header names a charset the bytes really are in.

    The header outranks a <meta> declaration (HTML standard), and the
    extractor only sees bytes, so it must be applied here. A byte-order mark
    outranks both; a header that does not fit the bytes is ignored, and the
    bytes go to the extractor's own detection.
    """
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    if match is None or body.startswith(_BOMS):
        return body
    label = match.group(1).lower()
    try:
        codec = codecs.lookup("cp1252" if label in _WINDOWS_1252_LABELS else label).name
        if codec.startswith(("utf-16", "utf-32")):  # without a BOM, a lie that would decode anything
            return body
        return body.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return body


def unusable_extraction(article: ExtractedArticle) -> str | None:
    """Why an extracted page is a failed capture, or None when it can be recorded.

    A page with no text is a walled capture of kind "empty" (the extractor says
    so), unless the extractor itself failed on it (flag "error"): that is our
    fault, not the page's, and a failure. Crawls and WARC imports share this rule.
    """
    if not article.text.strip() and "error" in article.flags:
        return "no article text found on the page"
    return None
