"""The frontier's operations: queue discovered URLs, list them, and drop them once fetched.

Discovery leaves alone URLs already archived as articles: re-checking those is
the revisit job's work, on its own schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.models import Article, Capture, FrontierEntry
from newsarchive.storage.reconnect import reconnecting

# Keep IN (...) lists well under every backend's parameter limit.
_CHUNK = 500


@dataclass(frozen=True)
class Queued:
    url: str
    source: str
    via: str
    hints: dict[str, Any] | None = None


@dataclass(frozen=True)
class Taken:
    """A frontier row handed to a crawl for fetching (its id orders the frontier)."""

    id: int
    url: str
    source: str
    hints: dict[str, Any] | None


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class Frontier:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    @reconnecting
    def archived(self, urls: Sequence[str]) -> set[str]:
        """Those of these canonical URLs that are already archived articles.

        An article is keyed on the canonical URL its page declares, which may
        differ from the URL a feed lists: such URLs are found through the
        captures fetched from them.
        """
        found: set[str] = set()
        with self.sessions() as session:
            for chunk in _chunks(list(urls)):
                found.update(
                    session.scalars(select(Article.canonical_url).where(Article.canonical_url.in_(chunk)))
                )
                rest = [url for url in chunk if url not in found]
                if rest:
                    found.update(
                        session.scalars(
                            select(Capture.requested_url)
                            .where(Capture.requested_url.in_(rest), Capture.article_id.is_not(None))
                            .distinct()
                        )
                    )
        return found

    @reconnecting
    def recently_refused(self, urls: Sequence[str], reason: str, since: datetime) -> set[str]:
        """Those of these URLs whose latest capture, made since `since`, was skipped for `reason`.

        A URL robots.txt forbids is listed again by every feed read: recording
        a new "skipped" capture on every run would only repeat the last one.
        """
        found: set[str] = set()
        with self.sessions() as session:
            for chunk in _chunks(list(urls)):
                latest = (
                    select(func.max(Capture.id))
                    .where(Capture.requested_url.in_(chunk))
                    .group_by(Capture.requested_url)
                )
                found.update(
                    session.scalars(
                        select(Capture.requested_url).where(
                            Capture.id.in_(latest),
                            Capture.outcome == "skipped",
                            Capture.error == reason,
                            Capture.fetched_at >= since,
                        )
                    )
                )
        return found

    @reconnecting
    def drop_sources(self, keep: Iterable[str]) -> int:
        """Remove the rows of every source not in `keep` (sources gone from the sources file); returns how many.

        Only for a run over the whole sources file: a run of some sources must not
        take the others' rows for abandoned.
        """
        with self.sessions.begin() as session:
            result = session.execute(delete(FrontierEntry).where(FrontierEntry.source.not_in(list(keep))))
        # A DELETE's result is a CursorResult, which has rowcount (Session.execute is typed as Result).
        return cast("CursorResult[Any]", result).rowcount or 0

    def add(self, entries: Sequence[Queued]) -> int:
        """Queue new URLs (already-queued ones are left as they are); returns how many were new."""
        return len(self.queue(entries))

    def queue(self, entries: Sequence[Queued]) -> list[str]:
        """Queue new URLs (already-queued ones are left as they are); returns the new ones."""
        if not entries:
            return []
        for attempt in range(3):
            try:
                return self._add(entries)
            except IntegrityError:  # another crawl queued one of them meanwhile: look again
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    @reconnecting
    def _add(self, entries: Sequence[Queued]) -> list[str]:
        with self.sessions.begin() as session:
            present: set[str] = set()
            for chunk in _chunks([e.url for e in entries]):
                present.update(session.scalars(select(FrontierEntry.url).where(FrontierEntry.url.in_(chunk))))
            now = datetime.now(UTC)
            fresh = [e for e in dict((e.url, e) for e in entries).values() if e.url not in present]
            if fresh:
                # One bulk INSERT, not a unit of work of ORM objects: a sitemap lists thousands.
                session.execute(
                    insert(FrontierEntry),
                    [
                        {
                            "url": e.url,
                            "source": e.source,
                            "via": e.via,
                            "hints": e.hints,
                            "discovered_at": now,
                            "attempts": 0,
                        }
                        for e in fresh
                    ],
                )
        return [e.url for e in fresh]

    @reconnecting
    def pending(self, source: str, limit: int | None = None) -> list[Queued]:
        """URLs a previous run queued and never recorded, oldest first."""
        with self.sessions() as session:
            query = select(FrontierEntry).where(FrontierEntry.source == source).order_by(FrontierEntry.id)
            if limit is not None:
                query = query.limit(limit)
            return [Queued(e.url, e.source, e.via, e.hints) for e in session.scalars(query)]

    @reconnecting
    def last_id(self) -> int:
        """The newest row's id (0 when empty): rows up to it were queued before now."""
        with self.sessions() as session:
            return session.scalar(select(func.max(FrontierEntry.id))) or 0

    @reconnecting
    def take(self, sources: Sequence[str], after: int, limit: int) -> list[Taken]:
        """The next `limit` rows of these sources after id `after`, oldest first, each counted as attempted.

        A crawl walks the frontier with this cursor instead of holding every
        queued URL in memory: rows stay until their fetch is recorded.
        """
        with self.sessions.begin() as session:
            rows = session.execute(
                select(FrontierEntry.id, FrontierEntry.url, FrontierEntry.source, FrontierEntry.hints)
                .where(FrontierEntry.source.in_(list(sources)), FrontierEntry.id > after)
                .order_by(FrontierEntry.id)
                .limit(limit)
            ).all()
            taken = [Taken(*row) for row in rows]
            if taken:
                # The same range as the select (no IN list, whatever the limit).
                session.execute(
                    update(FrontierEntry)
                    .where(
                        FrontierEntry.source.in_(list(sources)),
                        FrontierEntry.id > after,
                        FrontierEntry.id <= taken[-1].id,
                    )
                    .values(attempts=FrontierEntry.attempts + 1)
                )
        return taken

    @reconnecting
    def count(self, source: str | None = None) -> int:
        with self.sessions() as session:
            query = select(FrontierEntry.id)
            if source is not None:
                query = query.where(FrontierEntry.source == source)
            return session.scalar(select(func.count()).select_from(query.subquery())) or 0

    @reconnecting
    def done(self, urls: Sequence[str]) -> None:
        """The fetches of these URLs are recorded: they leave the frontier."""
        with self.sessions.begin() as session:
            for chunk in _chunks(list(urls)):
                session.execute(delete(FrontierEntry).where(FrontierEntry.url.in_(chunk)))
