"""A version: one distinct state of an article's extracted content."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from newsarchive.storage.models.base import Base, JSONType, UTCDateTime, utcnow

# The fields whose change makes a new version. Images, language, sitename and
# description are kept on the version but do not decide it: they churn with
# CDN URLs and A/B tests without the story changing.
VERSIONED_FIELDS = ("title", "text", "authors", "captions", "published", "modified")

# Why a version exists (migration 0013): the page changed (a publisher's edit,
# or the first version), or only our extractor did (`newsarchive reextract`).
CAUSE_EDIT = "edit"
CAUSE_EXTRACTOR = "extractor"
CAUSES = (CAUSE_EDIT, CAUSE_EXTRACTOR)


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("article_id", "number", name="uq_versions_article_number"),
        # Edits found in a window (charts) and the newest edits first (recent changes), from
        # the index alone (migration 0012).
        Index("ix_versions_first_seen_at", "first_seen_at", "number", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # sha256 of the normalised content (newsarchive.storage.write.dedup.content_hash): equal
    # hash, same version.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    captions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # Publisher-declared dates, ISO 8601 strings as found (a date or a datetime).
    published: Mapped[str | None] = mapped_column(String(40), index=True)
    modified: Mapped[str | None] = mapped_column(String(40))
    # The language the page declares (html lang, meta, JSON-LD) ...
    language: Mapped[str | None] = mapped_column(String(20), index=True)
    # ... and, only where it declares none, the one detected from the text
    # (crawler/extract/language.py); never mixed, so either can be trusted for what it is.
    detected_language: Mapped[str | None] = mapped_column(String(20), index=True)
    sitename: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    images: Mapped[list[str]] = mapped_column(JSONType, default=list)
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    extractor: Mapped[str] = mapped_column(String(100))
    extractor_version: Mapped[str] = mapped_column(String(100))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    capture_count: Mapped[int] = mapped_column(Integer, default=1)
    first_capture_id: Mapped[int | None] = mapped_column(Integer)
    # What changed against the previous version (newsarchive.storage.write.versions.change_summary).
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # The kinds of this edit, "headline,typo" ("" for none; NULL for a first
    # version or one stored before migration 0011): storage/write/edit_kinds.py.
    edit_kinds: Mapped[str | None] = mapped_column(String(200))
    # The earlier version whose headline and text this one restores.
    revert_of: Mapped[int | None] = mapped_column(Integer)
    # CAUSE_EDIT or CAUSE_EXTRACTOR (storage/write/rebuild.py).
    # Only a server default: the write path inserts rows without naming the column,
    # which also keeps it working on an archive not yet upgraded (tests/research/test_schema.py).
    cause: Mapped[str] = mapped_column(String(20), server_default=CAUSE_EDIT)
    # Set when a re-extraction replaced this version with a new generation: kept,
    # readable, but no longer part of the article's current history.
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The feed or news-sitemap record as it stood when this version was captured.
    declared: Mapped[dict[str, Any] | None] = mapped_column(JSONType, deferred=True)  # loaded when read

    def content(self) -> dict[str, Any]:
        """The fields whose change makes a new version, as the extractor gave them."""
        return {name: getattr(self, name) for name in VERSIONED_FIELDS}

    def __repr__(self) -> str:
        return f"<Version {self.article_id}#{self.number}>"
