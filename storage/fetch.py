"""What the crawler hands the archive about one fetch: the fetch, and the article extracted from it.

Plain data, so storage never needs to know about Scrapy or the extractor.
The extractor's own record (newsarchive.crawler.extract.article.Article)
has the same fields; the crawl turns one into the other in one place
(newsarchive.crawler.crawl.pipeline.extraction.archived_article), and a
test keeps the two field lists equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from newsarchive.storage.models.capture import Outcome
from newsarchive.storage.warc.store import WarcLocation

# Response headers worth keeping on the capture row (the WARC has them all).
KEPT_HEADERS = (
    "content-type",
    "content-length",
    "content-language",
    "last-modified",
    "etag",
    "cache-control",
    "date",
    "expires",
    "location",
    "retry-after",
    "server",
    "x-robots-tag",
    "link",
)


def select_headers(headers: dict[str, str] | list[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, dict) else headers
    return {name.lower(): value for name, value in items if name.lower() in KEPT_HEADERS}


@dataclass
class Fetch:
    requested_url: str
    fetched_at: datetime
    final_url: str | None = None
    status_code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    body_sha256: str | None = None
    body_size: int | None = None
    warc: WarcLocation | None = None
    ignore_robots: bool = False
    via: str = "capture"  # "capture", "crawl", "revisit"
    crawl_run_id: int | None = None
    source: str | None = None
    # Set when the fetch failed; a one-line reason.
    error: str | None = None
    # FAILED or SKIPPED (robots.txt, filtered) when error is set.
    error_outcome: Outcome = Outcome.FAILED
    # What the feed or news sitemap declared about the URL (storage.write.declared).
    declared: dict[str, Any] | None = None
    # The robots.txt response that governed this fetch: url, status, fetched_at
    # and its WARC record (warc_file, warc_offset, warc_length). Kept in
    # captures.extra["robots_txt"].
    robots: dict[str, Any] | None = None


@dataclass(frozen=True)
class ExtractedCaption:
    caption: str
    credit: str | None = None
    src: str | None = None
    alt: str | None = None


@dataclass(frozen=True)
class ExtractedArticle:
    """The extracted article as the archive reads it; attribute names are the version's columns."""

    url: str | None
    title: str | None
    text: str
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None  # declared by the page
    # Detected from the text, only where the page declares none (crawler/extract/language.py).
    detected_language: str | None = None
    sitename: str | None = None
    description: str | None = None
    captions: list[ExtractedCaption] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    # "article", or the wall or junk served in its place: never a version.
    kind: str = "article"

    def as_fields(self) -> dict[str, Any]:
        """The article as JSON-ready fields (what content hashes and change summaries read)."""
        return asdict(self)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> ExtractedArticle:
        """From the JSON form (as_fields, or `newsarchive extract` output); an unknown key raises TypeError."""
        values = dict(fields)
        values["captions"] = [ExtractedCaption(**dict(c)) for c in values.get("captions") or []]
        values.setdefault("url", None)
        values.setdefault("title", None)
        values.setdefault("text", "")
        return cls(**values)


@dataclass(frozen=True)
class ExtractedContent:
    """The extractor's output as the archive keeps it: the article and which extractor made it."""

    article: ExtractedArticle
    extractor: str
    extractor_version: str
