"""A discovery document (feed or sitemap) as a source last read it: its validators for conditional GET."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from newsarchive.storage.models.base import Base, JSONType, UTCDateTime, utcnow


class DiscoveryDocument(Base):
    __tablename__ = "discovery_documents"
    # Per source, not per URL: two sources may list one feed, and a crawl of
    # one of them must not leave the other believing it has read it.
    __table_args__ = (UniqueConstraint("source", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(String(100))
    # A sitemap index's child sitemaps: a 304 on the index still reads them
    # (each conditionally), without parsing the index again.
    children: Mapped[list[str] | None] = mapped_column(JSONType)
    # When its entries were last parsed and queued.
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<DiscoveryDocument {self.source} {self.url}>"
