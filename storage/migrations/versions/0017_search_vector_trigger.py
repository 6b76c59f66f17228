"""search vector by trigger: PostgreSQL recomputes it only when the words change, not on every revisit

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02

`versions.search_vector` was a stored generated column (0003). PostgreSQL
skips recomputing a generated column on an UPDATE that leaves its inputs
alone, unless the table has a BEFORE ROW UPDATE trigger; 0014 added one
(`versions_sort_date`), so since then every revisit that only moves a
version's `last_seen_at` and `capture_count` ran `to_tsvector` over the
whole text again and wrote a new copy of the vector. Measured on 3,000
rows copied from bench/search.py's archive, with the GIN index, load 4,
2026-12-02: one such UPDATE of every row took 2.5–4.0 s as a generated
column under that trigger, 0.9–1.3 s as a plain column (about 1 ms a row
against 0.3), and the table grew 5.5 KB a row against 2.3 KB (what remains
is the new heap tuple and its index entries, the GIN one included, when
the update cannot stay on its page).

The column becomes a plain one (`DROP EXPRESSION` keeps every value and
rewrites nothing), kept by a trigger that fires on INSERT and on UPDATE OF
the columns the vector is made of, with the same expression as 0003. The
models do not describe the column, as before.

SQLite is untouched: its FTS5 triggers already fire only on the text columns.
"""

from __future__ import annotations

import importlib

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The expression of 0003, the one place it is written (module names start
# with a digit: importlib, not import).
_search = importlib.import_module("newsarchive.storage.migrations.versions.0003_search")
_GENERATED = _search.PG_UPGRADE[0]
_EXPRESSION = _GENERATED[
    _GENERATED.index("GENERATED ALWAYS AS (") + len("GENERATED ALWAYS AS (") : -len(") STORED")
]

PG_UPGRADE = [
    "ALTER TABLE versions ALTER COLUMN search_vector DROP EXPRESSION",
    "CREATE FUNCTION versions_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"NEW.search_vector := {_EXPRESSION.replace('coalesce(', 'coalesce(NEW.')}; "
    "RETURN NEW; END $$",
    "CREATE TRIGGER versions_search_vector BEFORE INSERT OR UPDATE OF title, text, authors, captions "
    "ON versions FOR EACH ROW EXECUTE FUNCTION versions_search_vector()",
]

PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS versions_search_vector ON versions",
    "DROP FUNCTION IF EXISTS versions_search_vector()",
    # A column cannot be made generated again in place (PostgreSQL 15): drop and add it back.
    *_search.PG_DOWNGRADE,
    *_search.PG_UPGRADE,
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in PG_UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in PG_DOWNGRADE:
        op.execute(statement)
