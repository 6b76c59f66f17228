"""Which articles a re-extraction takes: filters over the archive, read in article-id order."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.models import Article, Capture, Version
from newsarchive.storage.research.read import extractor_number


@dataclass(frozen=True)
class ReextractFilter:
    source: str | None = None
    domains: tuple[str, ...] = ()
    url: re.Pattern[str] | None = None
    captured_from: datetime | None = None
    captured_to: datetime | None = None
    # Only articles with a current version from our extractor numbered below this.
    extractor_before: int | None = None
    # Every article, even those the current extractor already read.
    everything: bool = False

    def scope(self, extractor_version: str) -> str:
        """This selection with the target extractor, as a checkpoint key."""
        described = json.dumps(
            [
                "reextract",
                extractor_version,
                self.source,
                sorted(self.domains),
                self.url.pattern if self.url else None,
                self.captured_from.isoformat() if self.captured_from else None,
                self.captured_to.isoformat() if self.captured_to else None,
                self.extractor_before,
                self.everything,
            ]
        )
        return hashlib.sha256(described.encode()).hexdigest()


def stale_extractor_versions(session: Session, current: str, before: int | None) -> list[str]:
    """The extractor version strings on current versions that the selection re-extracts."""
    found = session.scalars(
        select(Version.extractor_version).where(Version.superseded_at.is_(None)).distinct()
    )
    if before is not None:
        return [v for v in found if (n := extractor_number(v)) is not None and n < before]
    return [v for v in found if v != current]


def article_ids(
    sessions: sessionmaker[Session],
    wanted: ReextractFilter,
    current: str,
    *,
    after: int = 0,
    batch: int = 500,
) -> Iterator[int]:
    """The ids of the selected articles above `after`, ascending, read a batch at a time.

    Each batch in a short read transaction of its own: the caller writes
    between batches, and a read held open across those writes would pin
    SQLite's WAL.
    """
    with sessions() as session:
        stale = (
            None if wanted.everything else stale_extractor_versions(session, current, wanted.extractor_before)
        )
    if stale is not None and not stale:
        return
    last = after
    while True:
        stmt = select(Article.id, Article.canonical_url).where(Article.id > last)
        if wanted.source:
            stmt = stmt.where(Article.source == wanted.source)
        if wanted.domains:
            stmt = stmt.where(Article.domain.in_([d.lower().strip(".") for d in wanted.domains]))
        if stale is not None:
            stmt = stmt.where(
                exists().where(
                    Version.article_id == Article.id,
                    Version.superseded_at.is_(None),
                    Version.extractor_version.in_(stale),
                )
            )
        if wanted.captured_from is not None or wanted.captured_to is not None:
            window = [Capture.article_id == Article.id]
            if wanted.captured_from is not None:
                window.append(Capture.fetched_at >= wanted.captured_from)
            if wanted.captured_to is not None:
                window.append(Capture.fetched_at < wanted.captured_to)
            stmt = stmt.where(exists().where(*window))
        with sessions() as session:
            rows = session.execute(stmt.order_by(Article.id).limit(batch)).all()
        if not rows:
            return
        for article_id, url in rows:
            if wanted.url is None or wanted.url.search(url):
                yield article_id
        last = rows[-1][0]
