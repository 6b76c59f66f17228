"""The SQLite side of search: FTS5 `versions_fts` (migration 0003), counts, and JSON helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

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

from newsarchive.storage.models import Article, Version
from newsarchive.storage.research.search.cursor import Cursor
from newsarchive.storage.research.search.syntax import ParsedQuery, to_fts5

if TYPE_CHECKING:
    from newsarchive.storage.research.search.request import SearchQuery

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


# The latest version's publisher date, kept on its article by migration 0016's triggers.
latest_published_key: ColumnElement[str] = literal_column("articles.latest_published")
# Filters read from the version row: a search of the latest versions with
# any of them counts through `versions` (the general statement).
_VERSION_ROW_FILTERS = (
    "language",
    "detected_language",
    "any_language",
    "author",
    "captured_from",
    "captured_to",
)
# Filters read from the article: a search of all versions with any of them
# joins `articles` to count.
_ARTICLE_FILTERS = ("source", "domain", "cluster", "keyword", "section", "changed")


def _matches(parsed: ParsedQuery) -> TextClause:
    return text("versions_fts MATCH :fts_query").bindparams(fts_query=to_fts5(parsed))


def _by_covering_index() -> ColumnElement[bool]:
    """Always true, and it steers each match's version look-up to ix_versions_search_cover.

    Looked up by id, the primary key and the covering index (id, article_id,
    ...) tie in SQLite's cost model, and with a whole archive's statistics
    it takes the row, whose sort date and superseded_at sit after the text,
    at the end of its overflow pages: 17.7 ms against 8.7 ms for a
    date-sorted page of 2,000 matches at 360,000 articles. A range on the
    index's second column breaks the tie (article ids start at 1).
    """
    return Version.article_id > 0


def match(stmt: Select, parsed: ParsedQuery) -> tuple[Select, ColumnElement[float]]:
    """Restrict `stmt` (over versions) to FTS matches; return it with a score (higher is better)."""
    stmt = stmt.join(FTS_TABLE, FTS_TABLE.c.rowid == Version.id).where(_matches(parsed), _by_covering_index())
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


def narrow_statement(
    query: SearchQuery,
    parsed: ParsedQuery | None,
    filters: Callable[[SearchQuery], list[ColumnElement[bool]]],
) -> Select | None:
    """The ids of `query`'s matches, read from narrower indexes than the general statement.

    For the count and the relevance candidates; None when no narrower way
    fits (they read the general statement). `filters` makes the shared
    filter conditions (storage/research/search/query.py). Both read every
    match up to a cap, so what one match costs is what they cost: the
    general statement looks each FTS match up in `versions` and in
    `articles` (about 2.5 µs a match at 200,000 articles, most of it the
    version), where the article alone holds everything a search of the
    latest versions filters on (0.7 µs). Same matches, same ids.
    """
    if query.all_versions:
        if any(getattr(query, name) for name in _VERSION_ROW_FILTERS) or parsed is None:
            return None
        # Every version: `versions` (its covering index has superseded_at,
        # 0016) and the article only when an article filter asks for it.
        stmt = (
            select(Version.id)
            .join(FTS_TABLE, FTS_TABLE.c.rowid == Version.id)
            .where(_matches(parsed), _by_covering_index())
        )
        if any(getattr(query, name) for name in _ARTICLE_FILTERS):
            stmt = stmt.join(Article, Article.id == Version.article_id)
        return stmt.where(*filters(query))
    if any(getattr(query, name) for name in _VERSION_ROW_FILTERS):
        return None
    # The latest versions: articles alone. Version ids are their article's
    # pointer (never dangling: versions are only deleted with their
    # article), and the published range is the pointer's date
    # (articles.latest_published), so a source and a month are one range of
    # ix_articles_latest_published.
    latest = select(Article.latest_version_id.label("id")).where(Article.latest_version_id.is_not(None))
    if parsed is not None:
        latest = latest.join(FTS_TABLE, FTS_TABLE.c.rowid == Article.latest_version_id).where(
            _matches(parsed)
        )
    undated = replace(query, published_from=None, published_to=None)
    latest = latest.where(*filters(undated))
    if query.published_from:
        latest = latest.where(latest_published_key >= query.published_from.isoformat())
    if query.published_to:
        latest = latest.where(latest_published_key < (query.published_to + timedelta(days=1)).isoformat())
    return latest
