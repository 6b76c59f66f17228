"""Discovery: pure parsers that turn feeds, sitemaps and section pages into article URLs.

No Scrapy here: bytes in, `Discovered` entries out, so each format is tested
directly. The source spider fetches the documents and applies the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Discovered:
    """An article URL found in a discovery document, with what the document said about it."""

    url: str
    via: str  # "feed", "sitemap", "page"
    title: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    # Declared fields beyond title and dates: news: sitemap fields, feed categories.
    hints: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def newest_date(self) -> datetime | None:
        dates = [d for d in (self.published, self.modified) if d is not None]
        return max(dates) if dates else None


def parse_iso_datetime(text: str | None) -> datetime | None:
    """W3C / ISO 8601 dates as found in sitemaps and JSON feeds, as aware UTC datetimes."""
    if not text:
        return None
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
