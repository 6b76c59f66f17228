"""ArchiveReader: an archive for a notebook, as streams of frozen records.

Every `articles()`, `versions()`, `captures()`, `diffs()`, `search()` and
`changes()` checks its arguments at once (an unknown source is an error at
the call, not at the first row) and returns a generator: rows come from the database in batches
(`yield_per`: a server-side cursor on PostgreSQL) and each is turned into a
record as it is yielded, so iterating a million versions holds one batch,
not a million. Search and changes go through the same functions as the CLI
and the API (newsarchive.storage.research.search.query.search,
newsarchive.storage.research.changes.recent_changes), filters included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from newsarchive.storage.archive import Archive
from newsarchive.storage.models import Article, Capture, Version
from newsarchive.storage.research.changes import check_kinds, recent_changes
from newsarchive.storage.research.diffs import version_diff
from newsarchive.storage.research.names import unknown_names
from newsarchive.storage.research.notebook.records import (
    ArticleRecord,
    CaptureRecord,
    ChangeRecord,
    DiffRecord,
    HitRecord,
    VersionRecord,
)
from newsarchive.storage.research.read import NotFound, find_article, get_version
from newsarchive.storage.research.search.query import MAX_LIMIT, SearchQuery, search, select_versions
from newsarchive.storage.warc.store import StoredResponse, WarcLocation, read_capture_response

BATCH = 500  # rows per round trip while streaming
ArticleRef = ArticleRecord | int | str  # a record, an id, or a URL it was captured from
R = TypeVar("R")


class UnknownName(ValueError):
    """A filter names a source or domain no article carries (a typo is not a quiet week)."""


def _day(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value: datetime | str | None) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


class ArchiveReader:
    """Read an archive from Python (see newsarchive.storage.research.notebook.open_archive)."""

    def __init__(self, archive: Archive, *, writable: bool) -> None:
        self.archive = archive
        self.writable = writable

    # -- opening and closing -------------------------------------------------------------

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self.archive.engine.url.render_as_string(hide_password=True)

    def session(self) -> Session:
        """A SQLAlchemy session on the archive, for queries of your own (read-only unless writable)."""
        return self.archive.sessions()

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<ArchiveReader {self.url}{'' if self.writable else ' read-only'}>"

    # -- one thing -----------------------------------------------------------------------

    def article(self, ref: ArticleRef) -> ArticleRecord:
        """An article by id, canonical URL or any URL it was captured from (NotFound otherwise)."""
        with self.session() as session:
            return ArticleRecord.of(self._find(session, ref))

    def version(self, ref: ArticleRef, number: int | None = None) -> VersionRecord:
        """Version `number` of an article (the latest when None)."""
        with self.session() as session:
            article = self._find(session, ref)
            return VersionRecord.of(get_version(session, article, number), article.canonical_url)

    def diff(
        self, ref: ArticleRef, from_version: int | None = None, to_version: int | None = None
    ) -> DiffRecord:
        """The diff between two versions: by default the latest and the one before it."""
        with self.session() as session:
            article = self._find(session, ref)
            new = get_version(session, article, to_version)
            old_number = from_version if from_version is not None else new.number - 1
            if old_number < 1:
                raise NotFound(f"article {article.canonical_url} has one version: nothing to compare")
            old = get_version(session, article, old_number)
            return DiffRecord.of(version_diff(old, new), article.canonical_url, old, new)

    def response(self, capture: CaptureRecord) -> StoredResponse:
        """The raw HTTP response of a capture, read back from its WARC record.

        ValueError if the record there is not this capture's (its body does not
        hash to the digest the capture recorded).
        """
        if capture.warc_file is None or capture.warc_offset is None:
            raise NotFound(f"capture {capture.id} has no WARC record ({capture.outcome})")
        location = WarcLocation(capture.warc_file, capture.warc_offset, capture.warc_length or 0)
        return read_capture_response(self.archive.config.warc_dir, location, capture.body_sha256)

    # -- streams -------------------------------------------------------------------------

    def articles(self, *, source: str | None = None, domain: str | None = None) -> Iterator[ArticleRecord]:
        """Every article (of a source or domain), oldest id first."""
        with self.session() as session:
            stmt = select(Article).order_by(Article.id).where(*self._article_filters(session, source, domain))
        return self._records(stmt, ArticleRecord.of)

    def versions(
        self, article: ArticleRef | None = None, *, source: str | None = None, domain: str | None = None
    ) -> Iterator[VersionRecord]:
        """Every version of one article, or of the archive (of a source or domain), article by article."""
        with self.session() as session:
            stmt = self._versions_statement(session, article, source, domain)
        return self._version_records(stmt)

    def _version_records(self, stmt: Select) -> Iterator[VersionRecord]:
        with self.session() as session:
            for version, url in session.execute(stmt.execution_options(yield_per=BATCH)):
                yield VersionRecord.of(version, url)

    def captures(
        self, article: ArticleRef | None = None, *, outcome: str | None = None
    ) -> Iterator[CaptureRecord]:
        """Every capture (of one article; with one outcome, e.g. "walled" or "failed"), oldest first."""
        stmt = select(Capture).order_by(Capture.id)
        if outcome is not None:
            stmt = stmt.where(Capture.outcome == outcome)
        if article is not None:
            with self.session() as session:
                stmt = stmt.where(Capture.article_id == self._find(session, article).id)
        return self._records(stmt, CaptureRecord.of)

    def diffs(
        self, article: ArticleRef | None = None, *, source: str | None = None, domain: str | None = None
    ) -> Iterator[DiffRecord]:
        """Each edit as a diff from the version before it: of one article, or across the archive."""
        with self.session() as session:
            stmt = self._versions_statement(session, article, source, domain)
        return self._diffs(stmt)

    def _diffs(self, stmt: Select) -> Iterator[DiffRecord]:
        previous: tuple[Version, str] | None = None
        with self.session() as session:
            for version, url in session.execute(stmt.execution_options(yield_per=BATCH)):
                if previous is not None:
                    old, _ = previous
                    if old.article_id == version.article_id and old.number + 1 == version.number:
                        yield DiffRecord.of(version_diff(old, version), url, old, version)
                previous = (version, url)

    def search(
        self,
        text: str | None = None,
        *,
        all_versions: bool = False,
        source: str | None = None,
        domain: str | None = None,
        language: str | None = None,
        author: str | None = None,
        keyword: str | None = None,
        section: str | None = None,
        published_from: date | str | None = None,
        published_to: date | str | None = None,
        captured_from: datetime | str | None = None,
        captured_to: datetime | str | None = None,
        changed: bool = False,
        sort: str = "relevance",
        limit: int | None = None,
        timeout: float | None = None,
    ) -> Iterator[HitRecord]:
        """The hits of `newsarchive search` with the same filters (all of them unless `limit`), best first.

        Dates may be ISO strings. A source or domain no article carries raises
        UnknownName; a query the search cannot run raises BadQuery (a ValueError).
        """
        if limit is not None and limit < 1:
            raise ValueError(f"limit must be 1 or more, not {limit}")
        query = SearchQuery(
            text=text,
            all_versions=all_versions,
            source=source,
            domain=domain,
            language=language,
            author=author,
            keyword=keyword,
            section=section,
            published_from=_day(published_from),
            published_to=_day(published_to),
            captured_from=_moment(captured_from),
            captured_to=_moment(captured_to),
            changed=changed,
            sort=sort,
        )
        with self.session() as session:  # mistakes are raised here, not at the first next()
            self._check_names(session, source, domain)
            select_versions(session, query)
        return self._pages(query, limit, timeout)

    def changes(
        self,
        *,
        source: str | None = None,
        domain: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        headline_only: bool = False,
        kinds: Sequence[str] = (),
        limit: int | None = None,
    ) -> Iterator[ChangeRecord]:
        """The edits of `newsarchive changes` with the same filters, newest first (all unless `limit`)."""
        kinds = check_kinds([kinds] if isinstance(kinds, str) else kinds)
        with self.session() as session:
            self._check_names(session, source, domain)
        options = {"source": source, "domain": domain, "since": _moment(since), "until": _moment(until)}
        return self._changes(dict(options, headline_only=headline_only, kinds=kinds, limit=limit))

    def _changes(self, options: dict[str, Any]) -> Iterator[ChangeRecord]:
        with self.session() as session:
            for entry in recent_changes(session, **options):
                yield ChangeRecord.of(entry)

    # -- DataFrames ----------------------------------------------------------------------

    def search_frame(self, text: str | None = None, **filters: Any) -> Any:
        """`search(...)` as a pandas DataFrame, one row a hit (needs the `notebook` extra)."""
        from newsarchive.storage.research.notebook.frames import to_frame

        return to_frame(self.search(text, **filters), HitRecord)

    def changes_frame(self, **filters: Any) -> Any:
        """`changes(...)` as a pandas DataFrame, one row an edit (needs the `notebook` extra)."""
        from newsarchive.storage.research.notebook.frames import to_frame

        return to_frame(self.changes(**filters), ChangeRecord)

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _find(session: Session, ref: ArticleRef) -> Article:
        return find_article(session, ref.id if isinstance(ref, ArticleRecord) else ref)

    @staticmethod
    def _check_names(session: Session, source: str | None, domain: str | None) -> None:
        problems = unknown_names(session, source=source, domain=domain)
        if problems:
            raise UnknownName("; ".join(problems))

    def _article_filters(self, session: Session, source: str | None, domain: str | None) -> list[Any]:
        self._check_names(session, source, domain)
        conditions = []
        if source:
            conditions.append(Article.source == source)
        if domain:
            conditions.append(Article.domain == domain.strip().lower())
        return conditions

    def _versions_statement(
        self, session: Session, article: ArticleRef | None, source: str | None, domain: str | None
    ) -> Select:
        stmt = (
            select(Version, Article.canonical_url)
            .join(Article, Article.id == Version.article_id)
            .order_by(Version.article_id, Version.number)
        )
        if article is not None:
            stmt = stmt.where(Version.article_id == self._find(session, article).id)
        return stmt.where(*self._article_filters(session, source, domain))

    def _records(self, stmt: Select, record: Callable[[Any], R]) -> Iterator[R]:
        """Each row of `stmt` as a record, in batches, in a session of the generator's own."""
        with self.session() as session:
            for row in session.scalars(stmt.execution_options(yield_per=BATCH)):
                yield record(row)

    def _pages(self, query: SearchQuery, limit: int | None, timeout: float | None) -> Iterator[HitRecord]:
        """Page through search(): at most one page of hits is held at a time."""
        with self.session() as session:
            yield from self._paged(session, query, limit, timeout)

    @staticmethod
    def _paged(
        session: Session, query: SearchQuery, limit: int | None, timeout: float | None
    ) -> Iterator[HitRecord]:
        remaining = limit
        offset = 0
        while remaining is None or remaining > 0:
            size = MAX_LIMIT if remaining is None else min(MAX_LIMIT, remaining)
            query.limit, query.offset = size, offset
            page = search(session, query, timeout=timeout)
            for hit in page.hits:
                yield HitRecord.of(hit)
            offset += len(page.hits)
            if remaining is not None:
                remaining -= len(page.hits)
            if len(page.hits) < size or offset >= page.total:
                return
