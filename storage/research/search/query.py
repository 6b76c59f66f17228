"""Full-text search over the archive, one interface over SQLite FTS5 and PostgreSQL.

By default only each article's latest version is searched; `all_versions`
searches every version (an edit that removed a word is still findable).
The query language is defined in newsarchive.storage.research.search.syntax.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    func,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased, undefer

from newsarchive.storage.models import Article, DeclaredTerm, Version
from newsarchive.storage.models.version import CAUSE_EDIT
from newsarchive.storage.research.search.bounds import NAME_FILTERS, check_day, check_moment, check_name
from newsarchive.storage.research.search.cursor import Cursor, decode
from newsarchive.storage.research.search.deadline import QueryTooBroad, time_limit
from newsarchive.storage.research.search.pg_page import text_page as pg_text_page
from newsarchive.storage.research.search.request import SearchQuery
from newsarchive.storage.research.search.snippet import snippet
from newsarchive.storage.research.search.syntax import BadQuery, ParsedQuery, parse

__all__ = ["BadQuery", "QueryTooBroad", "SearchHit", "SearchPage", "SearchQuery", "search", "select_versions"]

MAX_LIMIT = 1000
SORTS = ("relevance", "date")
# Counting every match of a broad query costs as much as reading them all
# (the whole archive, for the newest-first list): past this many the total
# says "more than COUNT_CAP" (SearchPage.total_exact is False).
COUNT_CAP = 10_000
# "The publisher's date, else when we first saw the article", stored by
# migration 0014's triggers so that an index can hold it.
sort_date_key: ColumnElement[str] = literal_column("versions.sort_date")


@dataclass
class SearchHit:
    article_id: int
    version_id: int
    version: int
    versions: int
    url: str
    domain: str
    source: str | None
    title: str | None
    snippet: str
    published: str | None
    first_seen: datetime  # when this version was first and last seen
    last_seen: datetime
    language: str | None
    authors: list[str]
    score: float | None  # engine-specific (bm25 or ts_rank), higher is better; None when sorted by date

    detected_language: str | None = None
    cluster_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_seen"] = self.first_seen.isoformat()
        data["last_seen"] = self.last_seen.isoformat()
        return data


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int  # exact when total_exact; else more than this many match (COUNT_CAP)
    limit: int
    offset: int
    total_exact: bool = True
    next_cursor: str | None = None  # None on the last page
    # By relevance over more matches than the engine ranks: only the newest
    # this many were ranked (RANK_CANDIDATES); None when every match was.
    ranked: int | None = None


def _engine(session: Session) -> ModuleType:
    from newsarchive.storage.research.search import postgres as search_postgres
    from newsarchive.storage.research.search import sqlite as search_sqlite

    name = session.get_bind().dialect.name
    if name == "sqlite":
        return search_sqlite
    if name == "postgresql":
        return search_postgres
    raise BadQuery(f"search is not available on {name}")


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _like_pattern(fragment: str) -> str:
    escaped = fragment.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _check(query: SearchQuery) -> None:
    if not isinstance(query.limit, int) or not 1 <= query.limit <= MAX_LIMIT:
        raise BadQuery(f"limit must be between 1 and {MAX_LIMIT}, not {query.limit}")
    if not isinstance(query.offset, int) or query.offset < 0:
        raise BadQuery(f"offset must be 0 or more, not {query.offset}")
    if query.cursor is not None and query.offset:
        raise BadQuery("give a cursor or an offset, not both")
    if query.sort not in SORTS:
        raise BadQuery(f"sort must be one of {', '.join(SORTS)}, not {query.sort!r}")
    check_day("published_from", query.published_from)
    check_day("published_to", query.published_to)
    check_moment("captured_from", query.captured_from)
    check_moment("captured_to", query.captured_to)
    for name in NAME_FILTERS:
        check_name(name, getattr(query, name))
    if query.published_from and query.published_to and query.published_from > query.published_to:
        raise BadQuery("the published date range ends before it starts")
    if query.captured_from and query.captured_to and _utc(query.captured_from) > _utc(query.captured_to):
        raise BadQuery("the captured date range ends before it starts")


def parsed_text(query: SearchQuery) -> ParsedQuery | None:
    """The parsed query text, or None when there is none (raises BadQuery)."""
    return parse(query.text) if query.text and query.text.strip() else None


def _filters(query: SearchQuery, engine: ModuleType) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.all_versions and not query.superseded:
        # The latest-version join (select_versions) leaves superseded ones out itself.
        conditions.append(Version.superseded_at.is_(None))
    if query.source:
        conditions.append(Article.source == query.source)
    if query.domain:
        conditions.append(Article.domain == query.domain.strip().lower())
    if query.language:
        conditions.append(_language_is(Version.language, query.language))
    if query.detected_language:
        conditions.append(_language_is(Version.detected_language, query.detected_language))
    if query.any_language:
        conditions.append(
            func.coalesce(Version.language, Version.detected_language).is_not(None)
            & _language_is(func.coalesce(Version.language, Version.detected_language), query.any_language)
        )
    if query.cluster is not None:
        conditions.append(Article.cluster_id == query.cluster)
    if query.author and query.author.strip():
        conditions.append(engine.author_condition(_like_pattern(query.author.strip())))
    for kind, value in (("keyword", query.keyword), ("section", query.section)):
        if value and value.strip():
            term = " ".join(value.split()).lower()
            declared = select(DeclaredTerm.id).where(
                DeclaredTerm.article_id == Article.id, DeclaredTerm.kind == kind, DeclaredTerm.term == term
            )
            conditions.append(declared.exists())
    # Publisher dates are ISO strings ("2026-03-01" or "2026-03-01T09:00:00+01:00"):
    # string comparison against day boundaries is exact. Where a version has
    # a published date its sort date is that date (migration 0014), so the
    # bounds go on the sort date: a search without text walks the sort
    # index within the range and stops after a page.
    if query.published_from or query.published_to:
        conditions.append(Version.published.is_not(None))
    if query.published_from:
        conditions.append(sort_date_key >= query.published_from.isoformat())
    if query.published_to:
        conditions.append(sort_date_key < (query.published_to + timedelta(days=1)).isoformat())
    if query.captured_from:
        conditions.append(Version.last_seen_at >= _utc(query.captured_from))
    if query.captured_to:
        conditions.append(Version.first_seen_at <= _utc(query.captured_to))
    if query.changed:
        # An extractor change is no edit (storage/write/rebuild.py).
        edited = aliased(Version)
        conditions.append(
            select(edited.id)
            .where(
                edited.article_id == Article.id,
                edited.number > 1,
                edited.cause == CAUSE_EDIT,
                edited.superseded_at.is_(None),
            )
            .exists()
        )
    return conditions


def _language_is(column: SQLColumnExpression[str | None], code: str) -> ColumnElement[bool]:
    """`code` or one of its regional forms ("en" matches "en-GB")."""
    language = code.strip().lower()
    return or_(column == language, column.like(f"{language}-%"))


def select_versions(
    session: Session, query: SearchQuery
) -> tuple[Select, ColumnElement[float] | None, ColumnElement[str]]:
    """The ids of matching versions (unordered), their score (None without text) and date key.

    Shared with the exporter, which streams the same selection.
    """
    _check(query)
    parsed = parsed_text(query)
    engine = _engine(session)
    # Latest versions only: join on the article's pointer to its newest
    # version (which implies the article id). Joined on both, PostgreSQL
    # multiplied the two selectivities, expected one row for the whole
    # archive and chose a hash join and a sort over every row.
    on = Article.id == Version.article_id if query.all_versions else Article.latest_version_id == Version.id
    if parsed is not None and hasattr(engine, "text_join"):
        on = engine.text_join(query.all_versions)  # the same join, worded for the backend's planner
    stmt = select(Version.id).join(Article, on)
    score = None
    if parsed is not None:
        stmt, score = engine.match(stmt, parsed)
    stmt = stmt.where(*_filters(query, engine))
    # Sort date: the publisher's date, else when we first saw the article.
    return stmt, score, sort_date_key


def search(session: Session, query: SearchQuery, *, timeout: float | None = None) -> SearchPage:
    """One page of hits and the number of matches (exact up to COUNT_CAP).

    With `timeout` (seconds), a search still running then is stopped and
    raises QueryTooBroad (newsarchive.storage.research.search.deadline).
    """
    stmt, score, date_key = select_versions(session, query)
    parsed = parsed_text(query)
    by_relevance = score is not None and query.sort == "relevance"
    cursor = decode(query.cursor, "relevance" if by_relevance else "date") if query.cursor else None
    with time_limit(session, timeout), _planner_settings(session):
        return _run(session, query, stmt, score if by_relevance else None, date_key, parsed, cursor)


# For a search's statements on PostgreSQL. JIT compiling pays off for long
# analytical queries; a search reads a page, and the count's cost estimate
# set it off (100 ms and more). A sequential scan looks cheap over the
# narrow rows of migration 0014, but testing each row's tsvector means
# fetching it from TOAST: 2 s at 100,000 articles where the GIN index takes
# milliseconds; every search has an index that fits, and parallel workers
# only add start-up.
_PG_SEARCH_SETTINGS = {"jit": "off", "enable_seqscan": "off", "max_parallel_workers_per_gather": "0"}


@contextmanager
def _planner_settings(session: Session) -> Iterator[None]:
    """The search's planner settings, for this transaction, back as they were afterwards."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    names = list(_PG_SEARCH_SETTINGS)
    before = session.execute(select(*(func.current_setting(name) for name in names))).one()
    session.execute(
        select(*(func.set_config(name, value, True) for name, value in _PG_SEARCH_SETTINGS.items()))
    )
    yield
    # Not in a finally: after an error the transaction is rolled back, which
    # undoes these local settings anyway.
    session.execute(
        select(*(func.set_config(name, value, True) for name, value in zip(names, before, strict=True)))
    )


def count_matches(session: Session, stmt: Select, cap: int | None = None) -> tuple[int, bool]:
    """(matches, exact): counting stops after `cap` (default COUNT_CAP; then (cap, False))."""
    cap = COUNT_CAP if cap is None else cap
    found = session.scalar(select(func.count()).select_from(stmt.limit(cap + 1).subquery())) or 0
    return (found, True) if found <= cap else (cap, False)


def _narrow_statement(
    session: Session, query: SearchQuery, parsed: ParsedQuery | None, stmt: Select
) -> Select:
    """The same matches as `stmt` (ids only), from the engine's narrower statement where it has one.

    For the count and the relevance candidates, which need no version
    column; the date order reads versions.sort_date from `stmt`.
    """
    engine = _engine(session)
    # Optional: SQLite reads most matches from article indexes (storage/research/search/sqlite.py).
    narrower = getattr(engine, "narrow_statement", None)
    found = narrower(query, parsed, lambda q: _filters(q, engine)) if narrower is not None else None
    return stmt if found is None else found


def _run(
    session: Session,
    query: SearchQuery,
    stmt: Select,
    score: ColumnElement[float] | None,
    date_key: ColumnElement[str],
    parsed: ParsedQuery | None,
    cursor: Cursor | None,
) -> SearchPage:
    engine = _engine(session)
    # A backend may count less far (postgres.py says why).
    cap = min(COUNT_CAP, getattr(engine, "COUNT_CAP", COUNT_CAP))
    if parsed is not None and engine.__name__.endswith(".postgres"):
        # PostgreSQL counts and pages a text search in one pass (pg_page.py).
        total, exact, rows = pg_text_page(
            session,
            stmt,
            parsed,
            score is not None,
            date_key,
            query.limit,
            query.offset,
            cursor,
            cap,
            engine.RANK_CANDIDATES,
        )
    else:
        # The count and the relevance candidates need no version column: a
        # backend may read them from a narrower statement (sqlite.py).
        narrow = _narrow_statement(session, query, parsed, stmt)
        total, exact = count_matches(session, narrow, cap)
        rows = (
            list(session.execute(_page(engine, query, stmt, narrow, score, date_key, parsed, cursor)).all())
            if total
            else []
        )
    more, rows = len(rows) > query.limit, rows[: query.limit]
    next_cursor = None
    if more:
        sort = "relevance" if score is not None else "date"
        next_cursor = Cursor(sort, rows[-1][1], rows[-1][0]).encode()
    scored = score is not None
    hits = _hits(session, [(row[0], row[1] if scored else None) for row in rows], parsed)
    ranked = None
    if scored:
        # The same bound the engine's relevance_page ranks within.
        candidates = max(engine.RANK_CANDIDATES, query.limit + query.offset)
        ranked = candidates if not exact or total > candidates else None
    return SearchPage(
        hits=hits,
        total=total,
        limit=query.limit,
        offset=query.offset,
        total_exact=exact,
        next_cursor=next_cursor,
        ranked=ranked,
    )


def _page(
    engine: ModuleType,
    query: SearchQuery,
    stmt: Select,
    narrow: Select,
    score: ColumnElement[float] | None,
    date_key: ColumnElement[str],
    parsed: ParsedQuery | None,
    cursor: Cursor | None,
) -> Select:
    """A page of `stmt`: by relevance over the (narrower) candidates, else newest first by date."""
    if score is not None and parsed is not None:
        return engine.relevance_page(narrow, score, parsed, query.limit, query.offset, cursor)
    if cursor is not None:
        stmt = stmt.where(tuple_(date_key, Version.id) < tuple_(cursor.key, cursor.version_id))
    # One row more than the page: whether a next page exists, without a count.
    return (
        stmt.add_columns(date_key.label("key"))
        .order_by(date_key.desc(), Version.id.desc())
        .limit(query.limit + 1)
        .offset(query.offset)
    )


def _hits(
    session: Session, ranked: list[tuple[int, float | None]], parsed: ParsedQuery | None
) -> list[SearchHit]:
    """Load the page's rows (a second, small query: sorting never carries the text)."""
    if not ranked:
        return []
    ids = [version_id for version_id, _ in ranked]
    loaded = {
        version.id: (version, article)
        for version, article in session.execute(
            select(Version, Article)
            .join(Article, Article.id == Version.article_id)
            .where(Version.id.in_(ids))
            .options(undefer(Article.cluster_id))
        )
    }
    words = parsed.positive_words() if parsed else []
    hits = []
    for version_id, score in ranked:
        if version_id not in loaded:  # deleted between the two queries
            continue
        version, article = loaded[version_id]
        hits.append(
            SearchHit(
                article_id=article.id,
                version_id=version.id,
                version=version.number,
                versions=article.version_count,
                url=article.canonical_url,
                domain=article.domain,
                source=article.source,
                title=version.title,
                snippet=snippet(version.text or version.description or "", words),
                published=version.published,
                first_seen=version.first_seen_at,
                last_seen=version.last_seen_at,
                language=version.language,
                authors=list(version.authors or []),
                score=float(score) if score is not None else None,
                detected_language=version.detected_language,
                cluster_id=article.cluster_id,
            )
        )
    return hits
