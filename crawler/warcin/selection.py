"""Which records an import takes: HTML responses, cut down by the user's filters before extraction.

Everything here reads headers only, so a CC-NEWS file can be cut down to a
few domains without extracting (or even decompressing the payload of) the
rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from newsarchive.crawler.crawl.pipeline.page_rules import media_type
from newsarchive.crawler.warcin.reader import Record

HTML_TYPES = ("text/html", "application/xhtml+xml")
IDENTICAL_PAYLOAD = "identical-payload-digest"


@dataclass(frozen=True)
class ImportFilter:
    domains: tuple[str, ...] = ()  # a registrable domain and every host under it
    hosts: tuple[str, ...] = ()  # exact host names
    url: re.Pattern[str] | None = None  # searched anywhere in the URL
    since: datetime | None = None  # WARC-Date at or after
    until: datetime | None = None  # WARC-Date before
    languages: tuple[str, ...] = ()  # primary subtags ("en", "de"), declared or detected

    def rejects(self, url: str, date: datetime | None) -> str | None:
        """Why a record is filtered out ("domain", "host", "url", "date"), or None to keep it."""
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        if self.domains and not any(host == d or host.endswith("." + d) for d in self.domains):
            return "domain"
        if self.hosts and host not in self.hosts:
            return "host"
        if self.url is not None and not self.url.search(url):
            return "url"
        if (self.since or self.until) and date is None:
            return "date"
        if self.since and date is not None and date < self.since:
            return "date"
        if self.until and date is not None and date >= self.until:
            return "date"
        return None


def record_kind(record: Record) -> str:
    """ "html" (an importable response), "revisit" (identical payload), or why it is not imported.

    Request, metadata, warcinfo, resource and conversion records describe or
    accompany a capture; they are never captures of a page themselves (WARC
    1.1, section 6), so they are counted and passed over.
    """
    if record.rec_type == "revisit":
        profile = record.warc_headers.get("WARC-Profile", "")
        return "revisit" if profile.endswith(IDENTICAL_PAYLOAD) else "revisit (server-not-modified)"
    if record.rec_type != "response":
        return f"{record.rec_type or 'unknown'} record"
    if not record.url.startswith(("http://", "https://")):
        return "not an HTTP response"
    return html_response(record.status, record.content_type)


def html_response(status: int | None, content_type: str | None) -> str:
    """ "html" for a 200 answer served as HTML; otherwise the reason it is passed over."""
    if status != 200:
        return f"HTTP status {status}" if status is not None else "no HTTP status"
    kind = media_type(content_type)
    if kind not in HTML_TYPES:
        return f"not HTML ({kind or 'no Content-Type'})"
    return "html"


_HTML_LANG = re.compile(rb"<html[^>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
_META_LANG = re.compile(
    rb"<meta[^>]+http-equiv\s*=\s*[\"']?content-language[\"']?[^>]+content\s*=\s*[\"']?([A-Za-z]{2,3})",
    re.IGNORECASE,
)


def declared_language(content_language: str | None, body: bytes) -> str | None:
    """The page's declared language as a primary subtag: <html lang>, then meta, then the header.

    The page's own markup outranks the server's header, which is often a
    site-wide default.
    """
    head = body[:8192]
    for pattern in (_HTML_LANG, _META_LANG):
        match = pattern.search(head)
        if match:
            return match.group(1).decode("ascii").lower()
    if content_language:
        primary = content_language.split(",")[0].strip().split("-")[0].lower()
        return primary or None
    return None


def language_matches(language: str | None, wanted: tuple[str, ...]) -> bool:
    return bool(language) and str(language).split("-")[0].lower() in wanted
