"""What the crawler hands the archive about one fetch.

Plain data, so storage never needs to know about Scrapy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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
    # "failed" or "skipped" (robots.txt, filtered) when error is set.
    error_outcome: str = "failed"
    # What the feed or news sitemap declared about the URL (storage.write.declared).
    declared: dict[str, Any] | None = None
    # The robots.txt response that governed this fetch: url, status, fetched_at
    # and its WARC record (warc_file, warc_offset, warc_length). Kept in
    # captures.extra["robots_txt"].
    robots: dict[str, Any] | None = None
