"""read indexes: a stored sort date, indexes that match the newest-first walk, FTS5 prefix indexes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

Search sorts by "the publisher's date, else when we first saw the article":
an expression over two tables, which no index can hold, so listing the
archive newest first sorted every row (82 ms SQLite / 287 ms PostgreSQL at
100,000 articles, growing with the archive). `versions.sort_date` stores
that key, kept by triggers on both databases (bulk inserts, imports and
re-extraction included; the models do not describe it, like the search
vector), and `ix_versions_sort_date` lets a page of the newest matches be
read from the end of an index and stop after a page.

SQLite's FTS5 table is rebuilt with prefix indexes of 2, 3 and 4 characters:
a `word*` query then reads one doclist instead of merging the doclists of
every word that starts so (thousands for a short prefix).

PostgreSQL: plain CREATE INDEX, not CONCURRENTLY. The backfill of the new
column updates every `versions` row in this same migration, which holds the
rows' write locks until it commits anyway, and CONCURRENTLY would wait for
every open snapshot in the whole database. Readers are never blocked either
way. On a large archive the backfill also recomputes the stored search
vector of each row (PostgreSQL recomputes generated columns on UPDATE):
minutes per million versions, once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# When we first saw the article, as ISO text (what search compared with
# publisher dates before this revision): the sort date of an article without one.
_SQLITE_FIRST_SEEN = "(SELECT strftime('%Y-%m-%dT%H:%M:%S', articles.first_seen_at) FROM articles WHERE articles.id = {row}.article_id)"
_PG_FIRST_SEEN = (
    "(SELECT to_char(timezone('UTC', articles.first_seen_at), 'YYYY-MM-DD\"T\"HH24:MI:SS') "
    "FROM articles WHERE articles.id = {row}.article_id)"
)

# Both sort orders walk this index from its end; the other columns are the
# filters a search checks on each row, so SQLite never reads the row itself
# (whose text comes first and spans overflow pages).
_SQLITE_SORT_INDEX = (
    "CREATE INDEX ix_versions_sort_date ON versions "
    "(sort_date, id, article_id, number, published, language, first_seen_at, last_seen_at)"
)
# The published date rides along: a date-range filter checks it has one
# without visiting the row.
_PG_SORT_INDEX = "CREATE INDEX ix_versions_sort_date ON versions (sort_date, id) INCLUDE (published)"
# Latest versions only: the join on articles.latest_version_id finds the
# article filters (source, domain, changed) in the index, not in the row.
_SQLITE_LATEST_INDEX = (
    "CREATE INDEX ix_articles_latest_cover ON articles (latest_version_id, source, domain, version_count)"
)
# `changes` lists edits newest first within a window of first sightings:
# migration 0012's ix_versions_first_seen_at (first_seen_at, number,
# article_id) already serves it from the index, so none is added here.
_PG_LATEST_INDEX = "CREATE INDEX ix_articles_latest_cover ON articles (latest_version_id) INCLUDE (source, domain, version_count)"
# 0003's covering index by id, with the sort date: sorting FTS matches by
# date reads it there, not from the row's end (the column was added last).
_SQLITE_COVER = (
    "CREATE INDEX ix_versions_search_cover ON versions "
    "(id, article_id, number, published, language, first_seen_at, last_seen_at{})"
)


def _fts_words(prefix: str) -> str:
    # As in 0003: the authors and captions JSON flattened to words.
    return (
        f"(SELECT group_concat(value, ' ') FROM json_each("
        f"CASE WHEN json_valid({prefix}.authors) THEN {prefix}.authors ELSE '[]' END)), "
        f"(SELECT group_concat(coalesce(json_extract(value, '$.caption'), '') || ' ' || "
        f"coalesce(json_extract(value, '$.credit'), ''), ' ') FROM json_each("
        f"CASE WHEN json_valid({prefix}.captions) THEN {prefix}.captions ELSE '[]' END))"
    )


def _sqlite_fts(prefixes: str | None) -> list[str]:
    option = f", prefix='{prefixes}'" if prefixes else ""
    return [
        # The triggers of 0003 name the table, not its definition: they keep
        # working on the new one.
        "DROP TABLE versions_fts",
        "CREATE VIRTUAL TABLE versions_fts USING fts5("
        f"title, text, authors, captions, content='', tokenize='unicode61 remove_diacritics 0'{option})",
        "INSERT INTO versions_fts(rowid, title, text, authors, captions) "
        f"SELECT new.id, new.title, new.text, {_fts_words('new')} FROM versions AS new",
    ]


SQLITE_UPGRADE = [
    f"UPDATE versions SET sort_date = coalesce(published, {_SQLITE_FIRST_SEEN.format(row='versions')})",
    # SQLite's BEFORE triggers cannot set NEW's columns: update the row just written.
    "CREATE TRIGGER versions_sort_date_insert AFTER INSERT ON versions BEGIN "
    f"UPDATE versions SET sort_date = coalesce(new.published, {_SQLITE_FIRST_SEEN.format(row='new')}) "
    "WHERE id = new.id; END",
    "CREATE TRIGGER versions_sort_date_update AFTER UPDATE OF published, article_id ON versions BEGIN "
    f"UPDATE versions SET sort_date = coalesce(new.published, {_SQLITE_FIRST_SEEN.format(row='new')}) "
    "WHERE id = new.id; END",
    "CREATE TRIGGER articles_sort_date_update AFTER UPDATE OF first_seen_at ON articles BEGIN "
    f"UPDATE versions SET sort_date = {_SQLITE_FIRST_SEEN.format(row='versions')} "
    "WHERE article_id = new.id AND published IS NULL; END",
    _SQLITE_SORT_INDEX,
    _SQLITE_LATEST_INDEX,
    "DROP INDEX ix_versions_search_cover",
    _SQLITE_COVER.format(", sort_date"),
    *_sqlite_fts("2 3 4"),
]

SQLITE_DOWNGRADE = [
    *_sqlite_fts(None),
    "DROP INDEX ix_versions_search_cover",
    _SQLITE_COVER.format(""),
    "DROP INDEX IF EXISTS ix_articles_latest_cover",
    "DROP INDEX IF EXISTS ix_versions_sort_date",
    "DROP TRIGGER IF EXISTS articles_sort_date_update",
    "DROP TRIGGER IF EXISTS versions_sort_date_update",
    "DROP TRIGGER IF EXISTS versions_sort_date_insert",
]

PG_UPGRADE = [
    "CREATE FUNCTION versions_sort_date() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"NEW.sort_date := coalesce(NEW.published, {_PG_FIRST_SEEN.format(row='NEW')}); "
    "RETURN NEW; END $$",
    "CREATE TRIGGER versions_sort_date BEFORE INSERT OR UPDATE OF published, article_id ON versions "
    "FOR EACH ROW EXECUTE FUNCTION versions_sort_date()",
    "CREATE FUNCTION articles_sort_date() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE versions SET sort_date = {_PG_FIRST_SEEN.format(row='versions')} "
    "WHERE versions.article_id = NEW.id AND versions.published IS NULL; RETURN NEW; END $$",
    "CREATE TRIGGER articles_sort_date AFTER UPDATE OF first_seen_at ON articles "
    "FOR EACH ROW EXECUTE FUNCTION articles_sort_date()",
    # Rows under 128 bytes: the text, headline and search vector go to the
    # TOAST table, so a heap page holds dozens of versions and checking a
    # GIN match or an index hit reads a narrow row (before: about one
    # version a page, one random page read per candidate).
    "ALTER TABLE versions SET (toast_tuple_target = 128)",
    # Fires the row trigger above for every existing version (and rewrites
    # each row under the new TOAST target).
    "UPDATE versions SET published = published",
    _PG_SORT_INDEX,
    _PG_LATEST_INDEX,
]

PG_DOWNGRADE = [
    "ALTER TABLE versions RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS ix_articles_latest_cover",
    "DROP INDEX IF EXISTS ix_versions_sort_date",
    "DROP TRIGGER IF EXISTS articles_sort_date ON articles",
    "DROP FUNCTION IF EXISTS articles_sort_date()",
    "DROP TRIGGER IF EXISTS versions_sort_date ON versions",
    "DROP FUNCTION IF EXISTS versions_sort_date()",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # Plain ADD COLUMN (see 0007): a batch copy of `versions` would break the
    # latest_versions view on SQLite.
    op.add_column("versions", sa.Column("sort_date", sa.String(length=40), nullable=True))
    for statement in {"sqlite": SQLITE_UPGRADE, "postgresql": PG_UPGRADE}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DOWNGRADE, "postgresql": PG_DOWNGRADE}.get(dialect, []):
        op.execute(statement)
    op.drop_column("versions", "sort_date")
