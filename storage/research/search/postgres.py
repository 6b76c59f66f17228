"""The PostgreSQL side of search: the `versions.search_vector` column (migration 0003).

Matching is cheap (a GIN bitmap scan); ranking is not: ts_rank must read
each candidate's whole tsvector from TOAST, 20 µs to 70 µs a row on a busy
machine. So relevance ranks only the RANK_CANDIDATES newest matches (by
version id, which follows capture order); sorting by date covers every
match, and the count stops at COUNT_CAP. With fewer matches than
RANK_CANDIDATES, ranking is exact. How a page and its count are read:
newsarchive.storage.research.search.pg_page.
"""

from __future__ import annotations

import itertools

from sqlalchemy import (
    ColumnElement,
    Select,
    TextClause,
    or_,
    select,
    text,
    true,
)

from newsarchive.storage.models import Article, Version
from newsarchive.storage.research.search.cursor import Cursor
from newsarchive.storage.research.search.pg_rank import (
    _rank,
    _tsquery,
    rank_candidates,
    ranked,
)
from newsarchive.storage.research.search.syntax import ParsedQuery, Term, to_pg_tsquery

RANK_CANDIDATES = 200  # relevance ranks the newest this many matches (see above); read at call time
# Searches count their matches this far, not to query.COUNT_CAP (10,000):
# every counted match is a heap visit and a look-up of its article (is it
# the latest version?), 3 µs to 8 µs, so 10,000 of them alone took 40 ms
# to 80 ms, and at 1,000,000 articles a 4-letter prefix or a common word
# matches more than that. Past this the total says "more than 1,000".
COUNT_CAP = 1000
# Groups mixing phrases and single words split into at most 2**3 index scans.
MAX_SPLIT_GROUPS = 3


def _positional(term: Term) -> bool:
    # A term of several words compiles to `a <-> b` (and an unknown script
    # to phraseto_tsquery): matching it needs the positions in the row.
    return len(term.words()) != 1


def disjuncts(parsed: ParsedQuery) -> list[ParsedQuery]:
    """`parsed` as an OR of queries, each all positional or all plain in its mixed groups.

    The GIN index answers a tsquery of plain words exactly, but a tsquery
    with any phrase in it is "recheck" for every candidate: each one's
    tsvector is fetched from TOAST and decompressed (10 µs to 20 µs). So in
    `"a b" OR c` every row with `c` was rechecked, 100 ms at 1,700 matches.
    Split into `"a b"` OR `c` (a BitmapOr of two index scans), only the rows
    with both `a` and `b` are. Mixed groups multiply the pieces; past
    MAX_SPLIT_GROUPS of them the query stays whole (still correct, slower).
    """
    mixed = {
        i
        for i, group in enumerate(parsed.groups)
        if any(_positional(t) for t in group) and not all(_positional(t) for t in group)
    }
    if not mixed or len(mixed) > MAX_SPLIT_GROUPS:
        return [parsed]
    choices = [
        (
            (tuple(t for t in group if not _positional(t)), tuple(t for t in group if _positional(t)))
            if i in mixed
            else (group,)
        )
        for i, group in enumerate(parsed.groups)
    ]
    return [ParsedQuery(combination, parsed.excluded) for combination in itertools.product(*choices)]


def match_condition(parsed: ParsedQuery) -> ColumnElement[bool]:
    """The versions whose tsvector matches `parsed`, in pieces the index answers without rechecks."""
    conditions: list[TextClause] = []
    for n, piece in enumerate(disjuncts(parsed)):
        expression, params = to_pg_tsquery(piece, prefix=f"m{n}_")
        conditions.append(text(f"versions.search_vector @@ {expression}").bindparams(**params))
    # or_ of one condition is that condition (in parentheses).
    return or_(*conditions)


def text_join(all_versions: bool) -> ColumnElement[bool]:
    """The join of a text search's versions to their articles (the latest version only unless `all_versions`).

    The version's side is "+ 0": joined on a bare indexed column, the
    planner could merge along pk_versions (or ix_versions_article_id),
    testing each row's TOASTed tsvector on the way (400 ms for 1,001 matches
    of `pres*`); an expression leaves it the GIN bitmap, and each match
    then probes the articles index.
    """
    if all_versions:
        return Article.id == Version.article_id + 0
    return Article.latest_version_id == Version.id + 0


def match(stmt: Select, parsed: ParsedQuery) -> tuple[Select, ColumnElement[float]]:
    """Restrict `stmt` (over versions) to tsvector matches; return it with a score (higher is better)."""
    # The joined one-row query is for the score only (PostgreSQL inlines it).
    tsq = _tsquery(parsed, "tsq")
    return stmt.join(tsq, true()).where(match_condition(parsed)), _rank(tsq)


def relevance_page(
    stmt: Select,
    score: ColumnElement[float],
    parsed: ParsedQuery,
    limit: int,
    offset: int,
    cursor: Cursor | None = None,
) -> Select:
    """A page by relevance: rank the newest candidates only (see the module docstring)."""
    # "id + 0", not "id": ordered by the bare primary key, the planner walks
    # the key index backwards testing every row's tsvector until it has
    # enough matches (seconds when matches are rare); this way it takes the
    # GIN bitmap and sorts just the matches.
    newest = (
        stmt.order_by((Version.id + 0).desc())
        .limit(rank_candidates(limit, offset, RANK_CANDIDATES))
        .subquery("newest")
    )
    return ranked(Version.id.in_(select(newest.c.id)), parsed, limit, offset, cursor)


def author_condition(pattern: str) -> TextClause:
    """Some author of the version matches a LIKE pattern (already lower-cased)."""
    return text(
        "EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(versions.authors) = 'array' "
        "THEN versions.authors ELSE '[]'::jsonb END) AS author(name) "
        "WHERE lower(author.name) LIKE :author_pattern ESCAPE '\\')"
    ).bindparams(author_pattern=pattern)
