"""The SQLite side of search: FTS5 `versions_fts` (migration 0003) and JSON helpers."""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Select,
    TextClause,
    column,
    literal_column,
    select,
    table,
    text,
    tuple_,
)

from newsarchive.storage.models import Version
from newsarchive.storage.research.search.cursor import Cursor
from newsarchive.storage.research.search.syntax import ParsedQuery, to_fts5

FTS_TABLE = table("versions_fts", column("rowid"))
# bm25 costs a few microseconds a match, but a broad query (a short prefix)
# matches a tenth of the archive: relevance ranks the newest this many
# matches, read from the end of FTS5's doclists, and stops there (as on
# PostgreSQL, storage/research/search/postgres.py). Below it,
# ranking is exact.
RANK_CANDIDATES = 1000

# bm25 column weights (title, text, authors, captions): a word in the
# headline says more about an article than the same word deep in its body.
_BM25 = "bm25(versions_fts, 8.0, 1.0, 4.0, 2.0)"


def match(stmt: Select, parsed: ParsedQuery) -> tuple[Select, ColumnElement[float]]:
    """Restrict `stmt` (over versions) to FTS matches; return it with a score (higher is better)."""
    stmt = stmt.join(FTS_TABLE, FTS_TABLE.c.rowid == Version.id).where(
        text("versions_fts MATCH :fts_query").bindparams(fts_query=to_fts5(parsed))
    )
    # bm25() is negative, more negative when more relevant.
    return stmt, -literal_column(_BM25)


def relevance_page(
    stmt: Select,
    score: ColumnElement[float],
    parsed: ParsedQuery,
    limit: int,
    offset: int,
    cursor: Cursor | None = None,
) -> Select:
    # One row more than the page: it tells whether there is a next page.
    """A page by relevance among the newest RANK_CANDIDATES matches (more when offset goes deeper)."""
    cap = max(RANK_CANDIDATES, limit + offset)
    # FTS5 walks its doclists in rowid order and bm25 is computed only for
    # the rows the LIMIT lets through.
    newest = (
        stmt.add_columns(score.label("score"))
        .order_by(FTS_TABLE.c.rowid.desc())
        .limit(cap)
        .subquery("newest")
    )
    page = select(newest.c.id, newest.c.score)
    if cursor is not None:
        page = page.where(tuple_(newest.c.score, newest.c.id) < tuple_(cursor.key, cursor.version_id))
    return page.order_by(newest.c.score.desc(), newest.c.id.desc()).limit(limit + 1).offset(offset)


def author_condition(pattern: str) -> TextClause:
    """Some author of the version matches a LIKE pattern (already lower-cased)."""
    return text(
        "EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(versions.authors) "
        "THEN versions.authors ELSE '[]' END) AS author "
        "WHERE lower(author.value) LIKE :author_pattern ESCAPE '\\')"
    ).bindparams(author_pattern=pattern)
