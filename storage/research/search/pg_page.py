"""One page of a text search on PostgreSQL, with its count, reading the matches once.

Each match costs a heap visit and a look-up of its article (is it the
latest version?), a few µs on an idle machine and 10 µs to 30 µs on the
loaded one: at 660,000 articles a keyword had about 2,500 matches, and
counting them, then finding them again for the page, did that work twice. Here one statement keeps up to `cap` + 1 matches (id
and sort date) and answers both the count and the page from them.

When more than `cap` match, those rows are any `cap` + 1 of them, not the
newest: the count says "more than cap", and the page is found another way.
By date, the ordinary statement (a top-N over the matches). By relevance,
the newest RANK_CANDIDATES matches are looked for among the newest version
ids first (a window that grows eight-fold until it holds enough matches):
the GIN bitmap is ANDed with the primary key's range, so only the window's
matches are visited instead of every match (a 4-letter prefix matches a
tenth to a third of the archive). Ids follow capture order, so the window's matches are the
newest matches whatever the filters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.orm import Session

from newsarchive.storage.models import Version
from newsarchive.storage.research.search.cursor import Cursor
from newsarchive.storage.research.search.pg_rank import rank_candidates, ranked
from newsarchive.storage.research.search.syntax import ParsedQuery

GROWTH = 8


def _count(session: Session, stmt: Select, cap: int) -> int:
    return session.scalar(select(func.count()).select_from(stmt.limit(cap + 1).subquery())) or 0


def date_page(
    stmt: Select, date_key: ColumnElement[str], limit: int, offset: int, cursor: Cursor | None
) -> Select:
    """(version id, sort date) of a page of `stmt`'s matches, newest first (one row more than the page)."""
    if cursor is not None:
        stmt = stmt.where(tuple_(date_key, Version.id) < tuple_(cursor.key, cursor.version_id))
    return (
        stmt.add_columns(date_key.label("key"))
        .order_by(date_key.desc(), Version.id.desc())
        .limit(limit + 1)
        .offset(offset)
    )


def text_page(
    session: Session,
    stmt: Select,
    parsed: ParsedQuery,
    by_relevance: bool,
    date_key: ColumnElement[str],
    limit: int,
    offset: int,
    cursor: Cursor | None,
    cap: int,
    bound: int,
) -> tuple[int, bool, list[Any]]:
    """(matches, exact, rows): rows are (version id, score or sort date), one more than `limit` if a page follows.

    By relevance, the newest `bound` matches (postgres.RANK_CANDIDATES) are ranked.
    """
    # Before the block: without index scans, max(id) would read every row.
    top = session.scalar(select(func.max(Version.id))) or 0
    with _bitmaps_only(session):
        return _text_page(
            session, stmt, parsed, by_relevance, date_key, limit, offset, cursor, cap, top, bound
        )


def _text_page(
    session: Session,
    stmt: Select,
    parsed: ParsedQuery,
    by_relevance: bool,
    date_key: ColumnElement[str],
    limit: int,
    offset: int,
    cursor: Cursor | None,
    cap: int,
    top: int,
    bound: int,
) -> tuple[int, bool, list[Any]]:
    found = stmt.add_columns(date_key.label("key")).limit(cap + 1).cte("found").prefix_with("MATERIALIZED")
    # The count, and the span of ids the rows found cover (how dense the matches are).
    total = select(func.count()).select_from(found).scalar_subquery().label("total")
    spread = select(func.max(found.c.id) - func.min(found.c.id) + 1).scalar_subquery().label("spread")
    if not by_relevance:
        page = select(found.c.id, found.c.key, total).order_by(found.c.key.desc(), found.c.id.desc())
        if cursor is not None:
            page = page.where(tuple_(found.c.key, found.c.id) < tuple_(cursor.key, cursor.version_id))
        rows = session.execute(page.limit(limit + 1).offset(offset)).all()
        # No row on the page (past the end, or no match): the count on its own.
        matches = rows[0].total if rows else _count(session, stmt, cap)
        if matches <= cap:
            return matches, True, [(row[0], row[1]) for row in rows]
        rows = session.execute(date_page(stmt, date_key, limit, offset, cursor)).all()
        return cap, False, [(row[0], row[1]) for row in rows]
    wanted = rank_candidates(limit, offset, bound)
    # The newest matches' ids come back first and are ranked only if the
    # count is exact: past the cap they are not the newest.
    newest = select(found.c.id).order_by(found.c.id.desc()).limit(wanted).subquery()
    ids = select(func.array_agg(newest.c.id)).scalar_subquery()
    matches, spread_ids, candidates = session.execute(select(total, spread, ids)).one()
    if matches <= cap:
        if not candidates:
            return 0, True, []
        rows = session.execute(ranked(Version.id.in_(candidates), parsed, limit, offset, cursor)).all()
        return matches, True, [(row[0], row[1]) for row in rows]
    # The rows found are the first in the table's order, which is mostly
    # capture order: twice the ids per match they spread over, times the
    # candidates wanted, is where that many matches should lie (a guess; a
    # window too short grows).
    span = max(wanted, 2 * wanted * spread_ids // matches)
    candidates = _newest_matches(session, stmt, wanted, top, span)
    rows = session.execute(ranked(Version.id.in_(candidates), parsed, limit, offset, cursor)).all()
    return cap, False, [(row[0], row[1]) for row in rows]


def _newest_matches(session: Session, stmt: Select, wanted: int, top: int, span: int) -> list[int]:
    """The ids of `stmt`'s `wanted` newest matches (all of them if fewer).

    Looked for among the `span` ids below `top` (the highest version id),
    then in windows GROWTH times longer, then everywhere: once a window
    holds `wanted` matches, its newest are the newest of all.
    """
    while True:
        whole = top - span <= 0
        windowed = stmt if whole else stmt.where(Version.id > top - span)
        newest = windowed.order_by((Version.id + 0).desc()).limit(wanted).subquery()
        ids: list[int] = session.scalar(select(func.array_agg(newest.c.id))) or []
        if whole or len(ids) >= wanted:
            return ids
        span *= GROWTH


@contextmanager
def _bitmaps_only(session: Session) -> Iterator[None]:
    """No index scans for this transaction's statements inside the block (bitmap scans only).

    The planner costs `search_vector @@ q` as a cheap filter, but it reads
    the row's tsvector from TOAST. Given an id window it walked the primary
    key testing every row in it (270 ms for 16,000 ids at 100,000
    articles), where the GIN bitmap ANDed with the key range's bitmap
    visits only the window's matches (15 ms); given a published month and
    a LIMIT it walked ix_versions_sort_date over the month the same way
    (6.7 s once at 640,000 articles). The price: PostgreSQL 15 considers
    index-only scans only with index scans on, so each match's article
    look-up reads the article's row (about 30 µs on the loaded machine at
    550,000 articles, against about 12 µs from the index alone).
    """
    before = session.scalar(select(func.current_setting("enable_indexscan")))
    session.execute(select(func.set_config("enable_indexscan", "off", True)))
    yield
    # After an error the transaction is rolled back, which undoes it anyway.
    session.execute(select(func.set_config("enable_indexscan", before, True)))
