"""Alembic owns the schema: migrations build exactly what the models describe."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from newsarchive.storage.db import (
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    table_names,
    upgrade,
)
from newsarchive.storage.migrations.schema_filter import include_name, include_object
from newsarchive.storage.models import Base


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": include_object, "include_name": include_name}
            )
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        cfg = alembic_config()
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "base")
        assert set(table_names(engine)) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_twice_is_harmless(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
