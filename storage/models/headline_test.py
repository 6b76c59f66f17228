"""A headline A/B test: several headlines alternating on one URL (storage/stories/headline_tests.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from newsarchive.storage.models.base import Base, JSONType, UTCDateTime, utcnow


class HeadlineTest(Base):
    __tablename__ = "headline_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Every headline shown during the test, in order: [{"title", "version", "seen_at"}].
    shown: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # The distinct headlines and how often the page switched back to one already shown.
    headlines: Mapped[int] = mapped_column(Integer)
    flips: Mapped[int] = mapped_column(Integer)
    first_version: Mapped[int] = mapped_column(Integer)
    last_version: Mapped[int] = mapped_column(Integer)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
