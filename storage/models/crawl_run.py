"""A crawl run: one pass of `newsarchive crawl` or `capture`, with its stats."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from newsarchive.storage.models.base import Base, JSONType, UTCDateTime, utcnow


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "crawl", "capture", "revisit"
    sources: Mapped[list[str]] = mapped_column(JSONType, default=list)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Touched every NEWSARCHIVE_HEARTBEAT seconds while the run's process lives
    # (crawler/crawl/extensions.py): how a run on another host is known to be dead.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "running", "finished", "failed", "interrupted"
    status: Mapped[str] = mapped_column(String(20), default="running")
    stats: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
