"""The crawl frontier: article URLs discovered but not yet fetched.

It outlives the crawl process, so a crawl killed halfway resumes where it
stopped: the next run fetches these first, and a row goes away only once
its fetch is recorded (as a capture, whatever the outcome).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from newsarchive.storage.models.base import Base, JSONType, UTCDateTime, utcnow


class FrontierEntry(Base):
    __tablename__ = "frontier"
    # Ids only grow (SQLite would reuse a deleted top id): the source spider
    # reads the frontier with an id cursor (crawler/crawl/frontier_feed.py).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # newsarchive.storage.write.dedup.canonical_url of the article URL: one row per article.
    url: Mapped[str] = mapped_column(Text, unique=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    via: Mapped[str] = mapped_column(String(20))  # "feed", "sitemap", "page"
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Runs that queued the URL without recording a fetch (each one interrupted).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # What the feed or sitemap said (title, dates): kept for the record.
    hints: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    def __repr__(self) -> str:
        return f"<FrontierEntry {self.source} {self.url}>"
