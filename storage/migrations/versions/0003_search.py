"""full-text search and read-side views

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

SQLite: a contentless FTS5 table `versions_fts` (rowid = versions.id) kept in
sync by triggers. Contentless because the indexed columns are derived (the
authors and captions JSON flattened to words) and an external-content table
cannot read derived columns back reliably: FTS5's `rebuild` fails on a view
that flattens JSON. The text already lives in `versions`; no second copy.
Plus two covering indexes of the columns search filters on (see below).

PostgreSQL: a stored generated tsvector column with a GIN index. Stored, not
an expression index, so ranking reads the vector instead of re-parsing every
candidate's text. The 'simple' configuration (lower-case, no stemming, no
stop words) because the archive is multilingual, a per-row language config
would need the query parsed once per language, and it matches what SQLite's
unicode61 tokenizer does, so one query finds the same articles on both.

Both: the view `latest_versions`, one row per article with its newest
version, for Datasette users and exports.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Text beyond this many characters is not indexed on PostgreSQL: a tsvector
# is limited to 1 MB and an oversized one would make the whole insert fail.
PG_MAX_INDEXED_CHARS = 250_000


def _sqlite_words(prefix: str) -> str:
    """The authors and captions of row `prefix` (new/old) as plain words."""
    return (
        f"(SELECT group_concat(value, ' ') FROM json_each("
        f"CASE WHEN json_valid({prefix}.authors) THEN {prefix}.authors ELSE '[]' END)), "
        f"(SELECT group_concat(coalesce(json_extract(value, '$.caption'), '') || ' ' || "
        f"coalesce(json_extract(value, '$.credit'), ''), ' ') FROM json_each("
        f"CASE WHEN json_valid({prefix}.captions) THEN {prefix}.captions ELSE '[]' END))"
    )


SQLITE_UPGRADE = [
    # remove_diacritics 0: PostgreSQL's 'simple' config keeps accents too.
    "CREATE VIRTUAL TABLE versions_fts USING fts5("
    "title, text, authors, captions, content='', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER versions_fts_insert AFTER INSERT ON versions BEGIN "
    "INSERT INTO versions_fts(rowid, title, text, authors, captions) "
    f"VALUES (new.id, new.title, new.text, {_sqlite_words('new')}); END",
    # A contentless table forgets its text, so a delete must repeat the exact
    # values that were indexed.
    "CREATE TRIGGER versions_fts_delete AFTER DELETE ON versions BEGIN "
    "INSERT INTO versions_fts(versions_fts, rowid, title, text, authors, captions) "
    f"VALUES ('delete', old.id, old.title, old.text, {_sqlite_words('old')}); END",
    # Only the indexed columns: every re-capture updates last_seen_at and
    # capture_count, and those must not churn the index.
    "CREATE TRIGGER versions_fts_update AFTER UPDATE OF title, text, authors, captions ON versions BEGIN "
    "INSERT INTO versions_fts(versions_fts, rowid, title, text, authors, captions) "
    f"VALUES ('delete', old.id, old.title, old.text, {_sqlite_words('old')}); "
    "INSERT INTO versions_fts(rowid, title, text, authors, captions) "
    f"VALUES (new.id, new.title, new.text, {_sqlite_words('new')}); END",
    # The columns search filters and sorts on, by version id. Without it every
    # FTS candidate is looked up in `versions`, whose rows put `published` and
    # the seen times after the article text: SQLite then walks the text's
    # overflow pages for each candidate (10x slower at 100k articles).
    "CREATE INDEX ix_versions_search_cover ON versions "
    "(id, article_id, number, published, language, first_seen_at, last_seen_at)",
    # The same columns led by `published`, for date-range filters without text.
    "CREATE INDEX ix_versions_search_published ON versions "
    "(published, id, article_id, number, language, first_seen_at, last_seen_at)",
    # Index what is already archived.
    "INSERT INTO versions_fts(rowid, title, text, authors, captions) "
    f"SELECT new.id, new.title, new.text, {_sqlite_words('new')} FROM versions AS new",
]

SQLITE_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_versions_search_published",
    "DROP INDEX IF EXISTS ix_versions_search_cover",
    "DROP TRIGGER IF EXISTS versions_fts_update",
    "DROP TRIGGER IF EXISTS versions_fts_delete",
    "DROP TRIGGER IF EXISTS versions_fts_insert",
    "DROP TABLE IF EXISTS versions_fts",
]

PG_UPGRADE = [
    "ALTER TABLE versions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector('simple', left(coalesce(text, ''), {PG_MAX_INDEXED_CHARS})), 'B') || "
    "setweight(jsonb_to_tsvector('simple', coalesce(authors, '[]'::jsonb), '[\"string\"]'), 'C') || "
    "setweight(jsonb_to_tsvector('simple', "
    "jsonb_path_query_array(coalesce(captions, '[]'::jsonb), '$[*].caption') || "
    "jsonb_path_query_array(coalesce(captions, '[]'::jsonb), '$[*].credit'), '[\"string\"]'), 'C')"
    ") STORED",
    "CREATE INDEX ix_versions_search_vector ON versions USING gin (search_vector)",
]

PG_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_versions_search_vector",
    "ALTER TABLE versions DROP COLUMN IF EXISTS search_vector",
]

# Readable names for the researcher: one row per article, its newest version.
LATEST_VERSIONS_VIEW = """
CREATE VIEW latest_versions AS
SELECT
    a.id AS article_id,
    v.id AS version_id,
    a.canonical_url AS url,
    a.domain AS domain,
    a.source AS source,
    a.status AS status,
    v.number AS version,
    a.version_count AS versions,
    v.title AS title,
    v.text AS text,
    v.authors AS authors,
    v.captions AS captions,
    v.description AS description,
    v.published AS published,
    v.modified AS modified,
    v.language AS language,
    v.sitename AS sitename,
    v.word_count AS word_count,
    a.first_seen_at AS first_seen,
    a.last_seen_at AS last_seen,
    a.last_checked_at AS last_checked,
    a.last_changed_at AS last_changed,
    v.first_seen_at AS version_first_seen,
    v.changes AS changes
FROM articles AS a
JOIN versions AS v ON v.id = a.latest_version_id
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": SQLITE_UPGRADE, "postgresql": PG_UPGRADE}.get(dialect, [])
    for statement in statements:
        op.execute(statement)
    op.execute(LATEST_VERSIONS_VIEW)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW IF EXISTS latest_versions")
    for statement in {"sqlite": SQLITE_DOWNGRADE, "postgresql": PG_DOWNGRADE}.get(dialect, []):
        op.execute(statement)
