"""Counts per source and day for the charts: articles archived, edits found, the share edited.

Every read takes a date window (at most MAX_DAYS days) and filters on an
indexed `first_seen_at` (migration 0012), so a chart reads the rows of its
window only, however large the archive. Days are UTC days, grouped in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, case, cast, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from newsarchive.storage.models import Article, Version

MAX_DAYS = 366
# Sources named in one chart page; the rest are summed as "other sources".
MAX_SOURCES = 12
NO_SOURCE = "(no source)"  # articles captured on demand carry no source name


class BadWindow(ValueError):
    """A date window the charts refuse; the message is one line for the user."""


@dataclass(frozen=True)
class Window:
    """Days `start` to `end`, both included."""

    start: date
    end: date

    @classmethod
    def checked(cls, start: date, end: date) -> Window:
        if end < start:
            raise BadWindow(f"the window ends ({end}) before it starts ({start})")
        if (end - start).days + 1 > MAX_DAYS:
            raise BadWindow(f"a window of at most {MAX_DAYS} days, not {(end - start).days + 1}")
        return cls(start, end)

    @classmethod
    def last(cls, days: int, end: date) -> Window:
        return cls.checked(end - timedelta(days=days - 1), end)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def bounds(self) -> tuple[datetime, datetime]:
        """[from, to) in UTC."""
        start = datetime.combine(self.start, time(), tzinfo=UTC)
        return start, datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)


@dataclass
class SourceActivity:
    source: str
    named: bool = True  # False for articles without a source and for the "other sources" sum
    archived: dict[date, int] = field(default_factory=dict)  # articles first seen that day
    edits: dict[date, int] = field(default_factory=dict)  # versions after the first, found that day
    articles: int = 0  # articles first seen in the window ...
    edited: int = 0  # ... of which at least one was edited later (by now)

    @property
    def share_edited(self) -> float:
        return self.edited / self.articles if self.articles else 0.0

    def series(self, kind: str, window: Window) -> list[int]:
        counts: dict[date, int] = getattr(self, kind)
        return [counts.get(day, 0) for day in window.days()]

    def to_dict(self, window: Window) -> dict[str, Any]:
        return {
            "source": self.source,
            "days": [day.isoformat() for day in window.days()],
            "archived": self.series("archived", window),
            "edits": self.series("edits", window),
            "articles": self.articles,
            "edited": self.edited,
            "share_edited": self.share_edited,
        }


def _day(session: Session, column: InstrumentedAttribute[datetime]) -> ColumnElement[Any]:
    # SQLite keeps naive UTC text: date() reads its day. PostgreSQL keeps
    # timestamptz: the day must be taken in UTC, not the session's zone.
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def latest_day(session: Session) -> date | None:
    """The UTC day of the newest article, to end a default window where the data ends."""
    newest = session.scalar(select(func.max(Article.first_seen_at)))
    if newest is None:
        return None
    return (newest if newest.tzinfo else newest.replace(tzinfo=UTC)).astimezone(UTC).date()


def source_activity(session: Session, window: Window, source: str | None = None) -> list[SourceActivity]:
    """Per source, counts per day in the window; busiest sources first, at most MAX_SOURCES and "other"."""
    start, end = window.bounds()
    name = func.coalesce(Article.source, NO_SOURCE)
    found: dict[str, SourceActivity] = {}

    def entry(key: str) -> SourceActivity:
        if key not in found:
            found[key] = SourceActivity(key, named=key != NO_SOURCE)
        return found[key]

    article_day = _day(session, Article.first_seen_at)
    archived = (
        select(
            name,
            article_day,
            func.count(),
            func.sum(case((Article.version_count > 1, 1), else_=0)),
        )
        .where(Article.first_seen_at >= start, Article.first_seen_at < end)
        .group_by(name, article_day)
    )
    version_day = _day(session, Version.first_seen_at)
    edits = (
        select(name, version_day, func.count())
        .join(Article, Article.id == Version.article_id)
        .where(Version.first_seen_at >= start, Version.first_seen_at < end, Version.number > 1)
        .group_by(name, version_day)
    )
    if source is not None:
        archived = archived.where(name == source)
        edits = edits.where(name == source)
    for key, day, count, edited in session.execute(archived):
        item = entry(key)
        item.archived[_as_date(day)] = count
        item.articles += count
        item.edited += int(edited or 0)
    for key, day, count in session.execute(edits):
        entry(key).edits[_as_date(day)] = count
    return _top(list(found.values()))


def _top(items: list[SourceActivity]) -> list[SourceActivity]:
    items.sort(key=lambda item: (-(item.articles + sum(item.edits.values())), item.source))
    if len(items) <= MAX_SOURCES:
        return items
    kept, rest = items[: MAX_SOURCES - 1], items[MAX_SOURCES - 1 :]
    other = SourceActivity(f"{len(rest)} other sources", named=False)
    for item in rest:
        for kind in ("archived", "edits"):
            target: dict[date, int] = getattr(other, kind)
            for day, count in getattr(item, kind).items():
                target[day] = target.get(day, 0) + count
        other.articles += item.articles
        other.edited += item.edited
    return [*kept, other]
