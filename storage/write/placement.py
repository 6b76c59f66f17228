"""An older capture put in its place in an article's history (imports of earlier months).

The write path compares a capture with the article's *latest* version and
numbers versions in arrival order. An imported capture can be older than
what the archive holds; filed that way it would become version n+1 with an
earlier time than version n. Here it goes where its time says, among the
article's current versions (not a re-extraction's superseded ones):

- it reads as the version current at its time (or, older than everything,
  as the first version): one more capture of that version, whose span
  grows to include it;
- otherwise it is a version of its own, numbered in time order: the later
  versions move up by one (their numbers, and the `revert_of` numbers that
  point at them). If the version current at its time was also seen *after*
  it, that version was on the page before and after this one: its later
  captures become a version of their own (the same content again, a
  revert), so every number still follows time.

The change summaries and kinds of edit of the placed version and of the one
after it are computed against their new neighbours. Nothing is deleted:
rows keep their ids, text and captures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from newsarchive.storage.fetch import ExtractedContent, Fetch
from newsarchive.storage.models import Article, Capture, Version
from newsarchive.storage.models.capture import Outcome
from newsarchive.storage.models.version import CAUSE_EDIT, CAUSE_EXTRACTOR
from newsarchive.storage.write.capture_rows import capture_values, insert_row, version_values
from newsarchive.storage.write.dedup import content_hash
from newsarchive.storage.write.edit_history import edit_values
from newsarchive.storage.write.versions import change_summary


@dataclass(frozen=True)
class Placed:
    outcome: Outcome  # NEW_VERSION (a version of its own) or UNCHANGED (a capture of one)
    capture_id: int
    number: int  # the version it belongs to


def place_older(session: Session, article: Article, fetch: Fetch, content: ExtractedContent) -> Placed:
    """Record `fetch` in its place in `article`'s history (inside the caller's transaction)."""
    at = fetch.fetched_at
    digest = content_hash(content.article.as_fields())
    current = list(
        session.scalars(
            select(Version)
            .where(Version.article_id == article.id, Version.superseded_at.is_(None))
            .order_by(Version.number)
        )
    )
    if not current:
        raise LookupError(f"article {article.id} has no version to place a capture among")
    before = [v for v in current if v.first_seen_at <= at]
    active = before[-1] if before else None
    article.first_seen_at = min(article.first_seen_at, at)
    same = active if active is not None else current[0]
    if same.content_hash == digest:
        capture_id = _capture(session, fetch, article.id, same.id, Outcome.UNCHANGED)
        same.first_seen_at = min(same.first_seen_at, at)
        same.last_seen_at = max(same.last_seen_at, at)
        if same.first_seen_at == at:
            same.first_capture_id = capture_id
        same.capture_count = Version.capture_count + 1  # type: ignore[assignment]
        return Placed(Outcome.UNCHANGED, capture_id, same.number)
    # A version of its own, after `active` (or before every current version).
    position = active.number if active is not None else current[0].number - 1
    later = _captures_after(session, active, at) if active is not None else []
    split = bool(later)
    shift = 2 if split else 1
    _shift(session, article.id, position, shift)
    article.version_count += shift
    capture_id = _capture(session, fetch, article.id, None, Outcome.NEW_VERSION)
    # The placed version's own summary and kinds, against the version before it.
    changes = change_summary(active.content() if active else None, content.article.as_fields())
    placed_id = insert_row(
        session,
        Version,
        version_values(article.id, position + 1, digest, content, at, capture_id, active, changes),
    )
    session.execute(
        update(Capture).where(Capture.id == capture_id).values(version_id=placed_id),
        execution_options={"synchronize_session": False},
    )
    placed = session.get(Version, placed_id)
    assert placed is not None
    _classify(session, article.id, placed, active)
    if split:
        assert active is not None
        following: Version | None = _split_after(session, article, active, later, position + 2)
    else:
        following = session.scalar(
            select(Version).where(
                Version.article_id == article.id,
                Version.number == position + 2,
                Version.superseded_at.is_(None),
            )
        )
    if following is not None:
        following.changes = change_summary(placed.content(), following.content())
        if active is None and following.cause == CAUSE_EXTRACTOR:
            # The placed version now opens the re-extracted generation: it takes
            # the extractor change, and the one after it is an edit of it.
            placed.cause, placed.edit_kinds, placed.revert_of = CAUSE_EXTRACTOR, None, None
            following.cause = CAUSE_EDIT
        _classify(session, article.id, following, placed)
    return Placed(Outcome.NEW_VERSION, capture_id, position + 1)


def _capture(
    session: Session, fetch: Fetch, article_id: int, version_id: int | None, outcome: Outcome
) -> int:
    return insert_row(
        session, Capture, capture_values(fetch, outcome=outcome, article_id=article_id, version_id=version_id)
    )


def _shift(session: Session, article_id: int, after: int, by: int) -> None:
    """Versions numbered above `after` move up `by`, through negative numbers (the unique constraint)."""
    session.flush()
    plain = {"synchronize_session": False}
    moved = (Version.article_id == article_id) & (Version.number > after)
    session.execute(
        update(Version).where(moved).values(number=-(Version.number + by)), execution_options=plain
    )
    session.execute(
        update(Version)
        .where(Version.article_id == article_id, Version.number < 0)
        .values(number=-Version.number),
        execution_options=plain,
    )
    session.execute(
        update(Version)
        .where(Version.article_id == article_id, Version.revert_of > after)
        .values(revert_of=Version.revert_of + by),
        execution_options=plain,
    )
    session.expire_all()


def _captures_after(session: Session, version: Version, at: datetime) -> list[Any]:
    """(id, fetched_at) of the captures of `version` after `at`, in time order."""
    return list(
        session.execute(
            select(Capture.id, Capture.fetched_at)
            .where(Capture.version_id == version.id, Capture.fetched_at > at)
            .order_by(Capture.fetched_at, Capture.id)
        )
    )


def _split_after(
    session: Session, article: Article, version: Version, later: list[Any], number: int
) -> Version:
    """These later captures of `version` become a version of their own, numbered `number`."""
    values: dict[str, Any] = {
        column: getattr(version, column)
        for column in (
            "content_hash",
            "title",
            "text",
            "authors",
            "captions",
            "published",
            "modified",
            "language",
            "sitename",
            "description",
            "images",
            "flags",
            "word_count",
            "extractor",
            "extractor_version",
            "cause",
        )
    }
    values |= {
        "article_id": article.id,
        "number": number,
        "first_seen_at": later[0].fetched_at,
        "last_seen_at": later[-1].fetched_at,
        "capture_count": len(later),
        "first_capture_id": later[0].id,
    }
    again_id = insert_row(session, Version, values)
    session.execute(
        update(Capture).where(Capture.id.in_([row.id for row in later])).values(version_id=again_id),
        execution_options={"synchronize_session": False},
    )
    earlier = session.execute(
        select(Capture.fetched_at).where(Capture.version_id == version.id).order_by(Capture.fetched_at.desc())
    ).first()
    version.capture_count = max(1, version.capture_count - len(later))
    if earlier is not None:
        version.last_seen_at = earlier.fetched_at
    if article.latest_version_id == version.id:
        article.latest_version_id = again_id
    again = session.get(Version, again_id)
    assert again is not None
    return again


def _classify(session: Session, article_id: int, version: Version, previous: Version | None) -> None:
    values = edit_values(session, article_id, version.number, previous, version.content())
    version.edit_kinds, version.revert_of = values["edit_kinds"], values["revert_of"]
