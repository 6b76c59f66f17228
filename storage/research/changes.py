"""Recent edits across the archive: versions after the first, newest first.

An edit happened somewhere between the last time we saw the previous version
and the first time we saw this one; both ends are reported, because that
window (not a single time) is what the archive actually knows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, literal, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from newsarchive.storage.models import Article, Version
from newsarchive.storage.models.version import CAUSE_EDIT
from newsarchive.storage.stories.headline_tests import HEADLINE_TEST
from newsarchive.storage.write.edit_kinds import KINDS, kinds_from_column

# What `--kind` filters on: the kinds of edit, and the flag of a version in a
# headline A/B test (stored among them).
FILTER_KINDS = (*KINDS, HEADLINE_TEST)


@dataclass
class ChangeEntry:
    article_id: int
    version_id: int
    url: str
    domain: str
    source: str | None
    version: int
    versions: int
    title: str | None
    old_title: str | None
    edited_after: datetime | None  # the previous version was last seen then ...
    seen_at: datetime  # ... and this one first seen then
    headline_changed: bool
    words_added: int
    words_removed: int
    captions_changed: bool
    dates_changed: bool
    note_appeared: bool
    kinds: list[str] | None  # None: not classified yet (`newsarchive db classify-edits`)
    revert_of: int | None
    # "edit" (the publisher's), or "extractor" (our extractor changed; only with include_extractor).
    cause: str = CAUSE_EDIT

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["edited_after"] = self.edited_after.isoformat() if self.edited_after else None
        data["seen_at"] = self.seen_at.isoformat()
        return data


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def recent_changes(
    session: Session,
    *,
    source: str | None = None,
    domain: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    headline_only: bool = False,
    kinds: Sequence[str] = (),
    limit: int | None = 100,
    include_extractor: bool = False,
) -> Iterator[ChangeEntry]:
    """Edits (versions numbered 2 and up) seen in [since, until], newest first; streamed.

    `kinds` keeps edits of any of these kinds (newsarchive.storage.write.edit_kinds.KINDS).
    Only the publisher's edits in the articles' current histories: versions
    a re-extraction made (cause "extractor") only with `include_extractor`,
    and versions a re-extraction superseded never.
    """
    previous = aliased(Version)
    stmt = (
        select(Version, Article, previous.title, previous.last_seen_at)
        .join(Article, Article.id == Version.article_id)
        .outerjoin(
            previous, and_(previous.article_id == Version.article_id, previous.number == Version.number - 1)
        )
        .where(Version.number > 1, Version.superseded_at.is_(None))
        .order_by(Version.first_seen_at.desc(), Version.id.desc())
    )
    if not include_extractor:
        stmt = stmt.where(Version.cause == CAUSE_EDIT)
    if source:
        stmt = stmt.where(Article.source == source)
    if domain:
        stmt = stmt.where(Article.domain == domain.strip().lower())
    if since:
        stmt = stmt.where(Version.first_seen_at >= _utc(since))
    if until:
        stmt = stmt.where(Version.first_seen_at <= _utc(until))
    if headline_only:
        # Compared in SQL, not from the stored summary, so it holds for any row.
        stmt = stmt.where(previous.title.is_distinct_from(Version.title))
    if kinds:
        stmt = stmt.where(kind_filter(kinds))
    if limit is not None:
        stmt = stmt.limit(limit)
    for version, article, old_title, edited_after in session.execute(stmt.execution_options(yield_per=500)):
        summary = version.changes or {}
        yield ChangeEntry(
            article_id=article.id,
            version_id=version.id,
            url=article.canonical_url,
            domain=article.domain,
            source=article.source,
            version=version.number,
            versions=article.version_count,
            title=version.title,
            old_title=old_title,
            # An extractor change happened to our reading, not between two captures.
            edited_after=edited_after if version.cause == CAUSE_EDIT else None,
            seen_at=version.first_seen_at,
            headline_changed=bool(summary.get("headline_changed", old_title != version.title)),
            words_added=int(summary.get("words_added", 0)),
            words_removed=int(summary.get("words_removed", 0)),
            captions_changed=bool(summary.get("captions_changed", False)),
            dates_changed=bool(summary.get("dates_changed", False)),
            note_appeared=bool(summary.get("note_appeared", False)),
            kinds=kinds_from_column(version.edit_kinds),
            revert_of=version.revert_of,
            cause=version.cause,
        )


def check_kinds(kinds: Sequence[str]) -> list[str]:
    """The kinds asked for, or ValueError naming the unknown one and the known ones."""
    for kind in kinds:
        if kind not in FILTER_KINDS:
            raise ValueError(f"unknown edit kind {kind!r}: one of {', '.join(FILTER_KINDS)}")
    return list(kinds)


def kind_filter(kinds: Sequence[str]) -> ColumnElement[bool]:
    """Versions with any of `kinds`: ",a,b," LIKE "%,a,%" reads the same on SQLite and PostgreSQL."""
    wrapped = literal(",") + Version.edit_kinds + literal(",")
    return or_(*(wrapped.like(f"%,{kind},%") for kind in check_kinds(kinds)))
