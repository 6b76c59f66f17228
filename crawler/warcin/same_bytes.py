"""Identical bytes need no extraction: a page whose payload an archived capture of its latest version had.

A crawler's WARC files repeat unchanged pages byte for byte (every CC-NEWS
month re-crawls the same articles), and an import of overlapping files
meets the same records again. Such a page can only read as the version it
already made, so it is recorded as one more capture of it (`unchanged`),
the crawl's own shortcut for revisits (ArchiveService.record_same_body),
without the extractor's time.

Only at or after the start of that version's span: an older capture goes
through the extractor and the order rule like any other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsarchive.storage.models import Article, Capture, Version
from newsarchive.storage.write.dedup import BadURL, canonical_url


def archived_match(session: Session, url: str, body_sha256: str | None, at: datetime) -> int | None:
    """The article whose latest version was captured from these bytes at this URL, if `at` is in its span."""
    if not body_sha256:
        return None
    # Almost every imported page is new: the digest's index settles it in one lookup.
    if session.scalar(select(Capture.id).where(Capture.body_sha256 == body_sha256).limit(1)) is None:
        return None
    try:
        key = canonical_url(url)
    except BadURL:
        return None
    row = session.execute(
        select(Article.id, Version.first_seen_at)
        .join(Version, Version.id == Article.latest_version_id)
        .join(Capture, Capture.version_id == Version.id)
        .where(
            Capture.body_sha256 == body_sha256,
            (Article.canonical_url == key) | (Capture.final_url == url) | (Capture.requested_url == url),
        )
        .limit(1)
    ).first()
    if row is None or at < row.first_seen_at:
        return None
    return int(row.id)
