"""What spiders yield: a fetched page or a failed fetch, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsarchive.storage.models.capture import Outcome
from newsarchive.storage.warc.store import WarcLocation

# The `via` of an image or stylesheet fetched for a page's replay (spiders/requisite_requests.py).
REQUISITE_VIA = "requisite"


@dataclass
class FetchContext:
    """Where a request came from and how it is recorded."""

    requested_url: str
    via: str = "capture"  # "capture", "crawl", "revisit", REQUISITE_VIA
    source: str | None = None
    ignore_robots: bool = False


@dataclass
class PageItem:
    context: FetchContext
    final_url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    warc: WarcLocation | None = None
    # Declared by a discovery document (feed, news sitemap), kept for the record.
    hints: dict[str, Any] = field(default_factory=dict)
    # The robots.txt response that allowed this fetch (downloader/robots.py).
    robots: dict[str, Any] | None = None

    @property
    def content_type(self) -> str | None:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return None


@dataclass
class FailureItem:
    context: FetchContext
    reason: str
    fetched_at: datetime
    final_url: str | None = None
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    warc: WarcLocation | None = None
    outcome: Outcome = Outcome.FAILED  # or SKIPPED (robots.txt)
    robots: dict[str, Any] | None = None  # the robots.txt response that governed it
