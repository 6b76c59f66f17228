"""Rebuilding an article's versions from its captures as the current extractor reads them.

`newsarchive reextract` hands this module, for one article, every capture
that made or repeated a version, in capture order, each with what the
current extractor now finds in its raw bytes. The captures are grouped into
runs of equal content (the version rule, applied afresh); if every capture
reads as the version it already points at, nothing changes. Otherwise the
article gets a new *generation* of versions:

- the versions it had stay, numbers and text untouched, marked
  `superseded_at` (readable with `show --version N` or `--extractor N`);
- the new versions are numbered after them, in capture order: the first has
  cause "extractor" (the page did not change, our reading of it did), each
  later one cause "edit" (the current extractor sees the page change between
  two captures), with its change summary and kinds of edit against the
  version before it in the new generation;
- the captures point at the new versions; the article's latest version and
  counters follow.

Nothing is deleted, and a version born of an extractor change never counts
as a publisher's edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from newsarchive.storage.fetch import ExtractedContent
from newsarchive.storage.models import Article, Capture, Version
from newsarchive.storage.models.capture import Outcome
from newsarchive.storage.models.version import CAUSE_EDIT, CAUSE_EXTRACTOR
from newsarchive.storage.write.capture_rows import insert_row, version_values
from newsarchive.storage.write.dedup import content_hash
from newsarchive.storage.write.edit_kinds import classify_edit, kinds_to_column, revert_key
from newsarchive.storage.write.versions import change_summary

# Captures whose bytes made or repeated a version: the ones re-extracted.
REEXTRACTED_OUTCOMES = (Outcome.NEW_ARTICLE.value, Outcome.NEW_VERSION.value, Outcome.UNCHANGED.value)


@dataclass(frozen=True)
class ArchivedCapture:
    """A capture to re-extract: where its raw record lives and the version it points at."""

    capture_id: int
    fetched_at: datetime
    url: str
    warc_file: str
    warc_offset: int
    warc_length: int | None
    content_type: str | None
    body_sha256: str | None
    version_id: int


@dataclass(frozen=True)
class Reread:
    """One capture as the current extractor reads it."""

    capture: ArchivedCapture
    content: ExtractedContent
    digest: str


@dataclass
class Segment:
    """A run of consecutive captures with equal content: one version of the new generation."""

    reads: list[Reread] = field(default_factory=list)

    @property
    def first(self) -> Reread:
        return self.reads[0]


@dataclass(frozen=True)
class Plan:
    """What re-extraction would do to one article."""

    article_id: int
    segments: list[Segment]
    changed: bool
    # The article's current versions, oldest first (for --dry-run's diffs).
    old_latest_text: str = ""
    old_versions: int = 0


class ArticleMoved(RuntimeError):
    """The article got captures or versions while it was re-extracted: plan it again."""


def reread(capture: ArchivedCapture, content: ExtractedContent) -> Reread:
    return Reread(capture, content, content_hash(content.article.as_fields()))


def archived_captures(session: Session, article_id: int) -> list[ArchivedCapture]:
    """The captures of an article to re-extract, in capture order."""
    rows = session.execute(
        select(
            Capture.id,
            Capture.fetched_at,
            Capture.final_url,
            Capture.requested_url,
            Capture.warc_file,
            Capture.warc_offset,
            Capture.warc_length,
            Capture.content_type,
            Capture.body_sha256,
            Capture.version_id,
        )
        .join(Version, Version.id == Capture.version_id)
        .where(
            Capture.article_id == article_id,
            Capture.outcome.in_(REEXTRACTED_OUTCOMES),
            Version.superseded_at.is_(None),
        )
        .order_by(Capture.fetched_at, Capture.id)
    )
    return [
        ArchivedCapture(
            capture_id=row.id,
            fetched_at=row.fetched_at,
            url=row.final_url or row.requested_url,
            warc_file=row.warc_file or "",
            warc_offset=row.warc_offset or 0,
            warc_length=row.warc_length,
            content_type=row.content_type,
            body_sha256=row.body_sha256,
            version_id=row.version_id,
        )
        for row in rows
    ]


def segments_of(reads: Sequence[Reread]) -> list[Segment]:
    """Consecutive captures with equal content grouped: the version rule over a whole history."""
    segments: list[Segment] = []
    for item in reads:
        if segments and segments[-1].first.digest == item.digest:
            segments[-1].reads.append(item)
        else:
            segments.append(Segment([item]))
    return segments


def plan(session: Session, article_id: int, reads: Sequence[Reread]) -> Plan:
    """Whether the current extractor's reading differs from the article's current versions.

    Equal when every capture reads as the version it points at: then the
    runs of equal content are the versions already stored (two consecutive
    versions never share content), and nothing needs to change.
    """
    versions = {
        v.id: v
        for v in session.scalars(
            select(Version).where(Version.article_id == article_id, Version.superseded_at.is_(None))
        )
    }
    changed = any(
        versions.get(item.capture.version_id) is None
        or versions[item.capture.version_id].content_hash != item.digest
        for item in reads
    )
    latest = max(versions.values(), key=lambda v: v.number, default=None)
    return Plan(
        article_id,
        segments_of(reads),
        changed,
        old_latest_text=latest.text if latest is not None else "",
        old_versions=len(versions),
    )


@dataclass(frozen=True)
class Rebuilt:
    extractor_versions: int  # versions with cause "extractor" (one per rebuilt article)
    edit_versions: int  # versions the current extractor sees as the publisher's edits
    superseded: int


def apply(session: Session, built: Plan, *, now: datetime | None = None) -> Rebuilt:
    """Write the plan's new generation of versions (inside the caller's transaction).

    Raises ArticleMoved if the article's re-extracted captures are no longer
    the ones planned (a crawl wrote meanwhile): the caller plans it again.
    """
    now = now or datetime.now(UTC)
    article = session.get(Article, built.article_id, with_for_update=True)
    if article is None:
        raise ArticleMoved(f"article {built.article_id} is gone")
    planned = [item.capture.capture_id for seg in built.segments for item in seg.reads]
    if [c.capture_id for c in archived_captures(session, article.id)] != planned:
        raise ArticleMoved(f"article {article.id} changed while it was re-extracted")
    old = list(
        session.scalars(
            select(Version)
            .where(Version.article_id == article.id, Version.superseded_at.is_(None))
            .order_by(Version.number)
        )
    )
    by_id = {v.id: v for v in old}
    number = article.version_count
    new_ids: list[tuple[datetime, int]] = []
    previous: dict[str, Any] | None = None
    earlier: list[tuple[int, tuple[str, str]]] = []  # (number, revert key) of this generation's versions
    edits = 0
    for index, segment in enumerate(built.segments):
        number += 1
        first, last = segment.first, segment.reads[-1]
        fields = first.content.article.as_fields()
        if index == 0:
            # Against what the archive had for the same capture: what the extractor changed.
            was = by_id.get(first.capture.version_id)
            changes = change_summary(was.content() if was else None, fields)
            changes["extractor_change"] = True
            extra: dict[str, Any] = {"cause": CAUSE_EXTRACTOR, "edit_kinds": None, "revert_of": None}
        else:
            assert previous is not None
            changes = change_summary(previous, fields)
            key = revert_key(fields)
            revert_of = next((n for n, k in reversed(earlier[:-1]) if k == key), None)
            kinds = classify_edit(previous, fields, revert_of=revert_of)
            extra = {"cause": CAUSE_EDIT, "edit_kinds": kinds_to_column(kinds), "revert_of": revert_of}
            edits += 1
        values = version_values(
            article.id,
            number,
            first.digest,
            first.content,
            first.capture.fetched_at,
            first.capture.capture_id,
            None,
            changes,
        )
        values |= extra
        values["last_seen_at"] = last.capture.fetched_at
        values["capture_count"] = len(segment.reads)
        declared_by = by_id.get(first.capture.version_id)
        version_id = insert_row(session, Version, values)
        if declared_by is not None and declared_by.declared is not None:
            session.execute(
                update(Version).where(Version.id == version_id).values(declared=declared_by.declared)
            )
        session.execute(
            update(Capture)
            .where(Capture.id.in_([item.capture.capture_id for item in segment.reads]))
            .values(version_id=version_id)
        )
        new_ids.append((first.capture.fetched_at, version_id))
        earlier.append((number, revert_key(fields)))
        previous = fields
    _repoint_followers(session, article.id, [v.id for v in old], new_ids, set(planned))
    session.execute(update(Version).where(Version.id.in_([v.id for v in old])).values(superseded_at=now))
    article.version_count = number
    article.latest_version_id = new_ids[-1][1]
    article.last_changed_at = new_ids[-1][0] if len(new_ids) > 1 else article.last_changed_at
    return Rebuilt(1, edits, len(old))


def _repoint_followers(
    session: Session,
    article_id: int,
    old_ids: list[int],
    new_ids: list[tuple[datetime, int]],
    planned: set[int],
) -> None:
    """Captures that repeat a version without bytes of their own (a 304) follow the new generation.

    Each points at the new version current at its capture time.
    """
    rows = session.execute(
        select(Capture.id, Capture.fetched_at).where(
            Capture.article_id == article_id, Capture.version_id.in_(old_ids)
        )
    )
    for capture_id, fetched_at in rows.all():
        if capture_id in planned:
            continue
        target = new_ids[0][1]
        for started, version_id in new_ids:
            if started <= fetched_at:
                target = version_id
        session.execute(update(Capture).where(Capture.id == capture_id).values(version_id=target))
