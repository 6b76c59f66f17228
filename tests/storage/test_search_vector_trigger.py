"""Migration 0017 (PostgreSQL): the search vector kept by a trigger holds exactly what 0003's expression gave.

The trigger's expression is derived from 0003's text; these tests compare
the stored vector with that expression evaluated afresh, after an insert,
after every column it is made of changes, and after the update a revisit
makes (which must leave it as it is), and check that a downgrade brings the
generated column back with every version still searchable.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, insert, text, update

from newsarchive.storage.db import alembic_config, make_engine, upgrade
from newsarchive.storage.models import Article, Version
from tests.storage.test_read_indexes_migration import SEEN, _version

_search = importlib.import_module("newsarchive.storage.migrations.versions.0003_search")
_GENERATED = _search.PG_UPGRADE[0]
# 0003's expression over the row's own columns, evaluated by a query instead of stored.
FRESH = _GENERATED[
    _GENERATED.index("GENERATED ALWAYS AS (") + len("GENERATED ALWAYS AS (") : -len(") STORED")
]


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    if not db_url.startswith("postgresql"):
        pytest.skip("0017 changes nothing on SQLite (its FTS5 triggers fire on the text columns only)")
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _seed(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(Article).values(
                id=1,
                canonical_url="https://news.example.com/1.html",
                domain="news.example.com",
                source="example",
                first_seen_at=SEEN,
                last_seen_at=SEEN,
                last_checked_at=SEEN,
                last_changed_at=SEEN,
                version_count=1,
                latest_version_id=1,
            )
        )
        version = _version(1, 1, "2026-03-01", "Harbour closes")
        version["captions"] = [{"caption": "The quay at dawn", "credit": "Photo: Lena Berg"}]
        connection.execute(insert(Version), [version])


def _stale_vectors(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            text(f"SELECT count(*) FROM versions WHERE search_vector IS DISTINCT FROM ({FRESH})")
        )


def _matches(engine: Engine, word: str) -> list[int]:
    with engine.connect() as connection:
        return list(
            connection.scalars(
                text("SELECT id FROM versions WHERE search_vector @@ to_tsquery('simple', :w)"), {"w": word}
            )
        )


def test_the_trigger_keeps_the_vector_of_0003s_expression(engine: Engine) -> None:
    upgrade(engine)
    _seed(engine)
    assert _stale_vectors(engine) == 0
    assert _matches(engine, "harbour") == [1] and _matches(engine, "berg") == [1]  # title and credit

    edits = {
        "title": "Harbour reopens",
        "text": "Ferries sail again from the eastern pier.",
        "authors": ["Ana Ruiz", "Tomas Holm"],
        "captions": [{"caption": "Ferry at the eastern pier", "credit": None}],
    }
    for column, value in edits.items():
        with engine.begin() as connection:
            connection.execute(update(Version).where(Version.id == 1).values({column: value}))
        assert _stale_vectors(engine) == 0, column
    assert _matches(engine, "ferries") == [1] and _matches(engine, "holm") == [1]
    assert _matches(engine, "closes") == [] and _matches(engine, "berg") == []

    # A revisit moves the counters only: the vector stays what the words make.
    with engine.begin() as connection:
        connection.execute(
            update(Version)
            .where(Version.id == 1)
            .values(last_seen_at=SEEN + timedelta(days=1), capture_count=Version.capture_count + 1)
        )
    assert _stale_vectors(engine) == 0


def test_downgrade_brings_the_generated_column_back(engine: Engine) -> None:
    upgrade(engine)
    _seed(engine)
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0016")
    with engine.connect() as connection:
        generated = connection.scalar(
            text(
                "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'versions'::regclass "
                "AND attname = 'search_vector'"
            )
        )
        triggers = connection.scalar(
            text(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'versions_search_vector' "
                "AND tgrelid = 'versions'::regclass"
            )
        )
    assert generated == "s" and triggers == 0
    assert _matches(engine, "harbour") == [1] and _stale_vectors(engine) == 0
    upgrade(engine)  # and up again: the trigger is back
    assert _matches(engine, "harbour") == [1] and _stale_vectors(engine) == 0
