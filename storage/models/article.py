"""An article: one news story, keyed by its canonical URL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from newsarchive.storage.models.base import Base, JSONType, UTCDateTime, utcnow


class Article(Base):
    __tablename__ = "articles"
    # Covering for the charts' counts per day of a window (migration 0012):
    # the window is read from the index alone, never the wide rows.
    __table_args__ = (Index("ix_articles_first_seen_at", "first_seen_at", "source", "version_count"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)
    domain: Mapped[str] = mapped_column(String(255), index=True)
    source: Mapped[str | None] = mapped_column(String(200), index=True)
    # "live" while the page answers; "gone" after a 404/410 or a redirect home.
    status: Mapped[str] = mapped_column(String(20), default="live")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    version_count: Mapped[int] = mapped_column(Integer, default=0)
    # Denormalised pointer to the newest version: the read side asks for
    # "latest versions" constantly. Not a foreign key, because versions
    # already point here and a cycle would complicate inserts and SQLite DDL.
    latest_version_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The latest feed or news-sitemap record of the article (write/declared.py).
    # Deferred: the write path loads the article on every capture and needs it
    # only when a record comes with the fetch.
    declared: Mapped[dict[str, Any] | None] = mapped_column(JSONType, deferred=True)
    # The story cluster (models/story.py): the same story at other URLs and outlets.
    # NULL for an article with no signature yet (stored before migration 0015).
    # Deferred, like `declared`: the write path loads the article on every
    # capture, also on a schema from before 0015 (an archive opened without migrating).
    cluster_id: Mapped[int | None] = mapped_column(Integer, index=True, deferred=True)

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.canonical_url}>"
