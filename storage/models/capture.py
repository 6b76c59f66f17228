"""A capture: one fetch, successful or not, with where its raw record lives."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from newsarchive.storage.models.base import Base, JSONType, UTCDateTime, utcnow


class Outcome(StrEnum):
    """What a capture did to the archive.

    A str enum: members compare equal to, serialise to (JSON) and are stored
    as the plain strings the captures table has always held.
    """

    NEW_ARTICLE = "new_article"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    NOT_MODIFIED = "not_modified"  # a 304 answer to a conditional revisit
    GONE = "gone"
    FAILED = "failed"
    SKIPPED = "skipped"  # robots.txt, filtered
    WALLED = "walled"  # the page was a wall or junk (page_kind says which): kept, never a version
    REQUISITE = "requisite"  # an image or stylesheet fetched for a page's replay: kept, never an article


OUTCOMES = tuple(outcome.value for outcome in Outcome)


class Capture(Base):
    __tablename__ = "captures"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed: discovery asks "was this URL captured before?" for every link.
    requested_url: Mapped[str] = mapped_column(Text, index=True)
    final_url: Mapped[str | None] = mapped_column(Text, index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id", ondelete="SET NULL"), index=True)
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    status_code: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    content_type: Mapped[str | None] = mapped_column(String(200))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    body_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    body_size: Mapped[int | None] = mapped_column(BigInteger)
    warc_file: Mapped[str | None] = mapped_column(String(255))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_length: Mapped[int | None] = mapped_column(BigInteger)
    ignore_robots: Mapped[bool] = mapped_column(Boolean, default=False)
    # "capture" (on demand), "crawl" (discovery) or "revisit".
    via: Mapped[str] = mapped_column(String(20), default="capture")
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # On a "walled" capture, what the page was instead of the article:
    # consent_wall, paywall, bot_challenge, login_wall, soft_404, error_page, empty,
    # section_front, tag_page, gallery_index.
    page_kind: Mapped[str | None] = mapped_column(String(20))

    def __repr__(self) -> str:
        return f"<Capture {self.id} {self.outcome} {self.requested_url}>"
