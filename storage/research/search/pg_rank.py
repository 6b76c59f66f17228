"""Ranking on PostgreSQL: the tsquery, ts_rank, and a page of the newest candidates by rank.

Shared by postgres.py (the match and the relevance page) and pg_page.py (the
one-pass count and page), which both import it and not each other.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    REAL,
    ColumnClause,
    ColumnElement,
    Select,
    Subquery,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
    tuple_,
)

from newsarchive.storage.models import Version
from newsarchive.storage.research.search.cursor import Cursor
from newsarchive.storage.research.search.syntax import ParsedQuery, to_pg_tsquery

_VECTOR: ColumnClause[Any] = literal_column("versions.search_vector")


def _tsquery(parsed: ParsedQuery, name: str) -> Subquery:
    # A one-row subquery, so the tsquery is built once per statement and
    # shared by the match and the rank.
    expression, params = to_pg_tsquery(parsed, prefix=name)
    return text(f"SELECT {expression} AS q").bindparams(**params).columns(column("q")).subquery(name)


def _rank(tsq: Subquery) -> ColumnElement[float]:
    # Normalisation 1: divide by 1 + log(length), so long articles do not win
    # by length alone. Weights: title A, text B, authors and captions C.
    return func.ts_rank(_VECTOR, tsq.c.q, 1)


def rank_candidates(limit: int, offset: int, bound: int) -> int:
    """How many of the newest matches a relevance page ranks: `bound` (postgres.RANK_CANDIDATES), or the page's end."""
    return max(bound, limit + offset)


def ranked(
    candidates: ColumnElement[bool], parsed: ParsedQuery, limit: int, offset: int, cursor: Cursor | None
) -> Select:
    """(version id, score) of one page of the `candidates` versions (a condition) by ts_rank.

    One row more than the page: it tells whether there is a next page.
    """
    tsq = _tsquery(parsed, "rsq")
    rank = _rank(tsq)
    page = select(Version.id, rank.label("score")).join_from(Version, tsq, true())
    page = page.where(candidates)
    if cursor is not None:
        # ts_rank is a real: the cursor's key (the real's shortest decimal
        # text, as the driver read it) compares equal only as a real again.
        key = cast(literal(cursor.key), REAL)
        page = page.where(tuple_(rank, Version.id) < tuple_(key, cursor.version_id))
    return page.order_by(rank.desc(), Version.id.desc()).limit(limit + 1).offset(offset)
