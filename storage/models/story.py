"""Story clusters: the same story at several URLs and outlets (storage/stories/).

Each signed article has a MinHash signature and one row per LSH band; an
article whose band hashes meet another's is compared with it, and joins its
cluster when the two are similar enough. The band rows are indexed on
their hash (the band's number is part of it), so finding candidates is a few index look-ups whatever the
archive's size, and no in-memory index is ever rebuilt.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from newsarchive.storage.models.base import Base, UTCDateTime, utcnow


class StoryCluster(Base):
    __tablename__ = "story_clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who had it first: the member first seen, kept up to date as members
    # join (an imported WARC can bring an earlier copy).
    first_article_id: Mapped[int] = mapped_column(Integer)
    first_domain: Mapped[str] = mapped_column(String(255))
    first_source: Mapped[str | None] = mapped_column(String(200))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    size: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StorySignature(Base):
    """An article's MinHash signature, and how it came into its cluster."""

    __tablename__ = "story_signatures"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    # NUM_PERM unsigned 32-bit values, little-endian (storage/stories/minhash.py).
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    shingles: Mapped[int] = mapped_column(Integer)
    # The member it matched best when it joined (None: it founded its cluster) ...
    matched_article_id: Mapped[int | None] = mapped_column(Integer)
    # ... and their estimated Jaccard similarity.
    similarity: Mapped[float | None] = mapped_column(Float)
    # Which signing scheme made it (shingle size, permutations, seed).
    scheme: Mapped[str] = mapped_column(String(40))


class StoryBand(Base):
    """One LSH band of an article's signature: articles sharing a row are candidates."""

    __tablename__ = "story_bands"
    __table_args__ = (Index("ix_story_bands_hash", "hash"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    # A signed 64-bit digest of the band's number and values (fits PostgreSQL's BIGINT).
    hash: Mapped[int] = mapped_column(BigInteger)
