"""Alembic environment: the connection comes from newsarchive.storage.db, never from an ini file."""

from __future__ import annotations

from alembic import context

from newsarchive.storage.migrations.schema_filter import include_name, include_object
from newsarchive.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "run migrations through newsarchive.storage.db.upgrade(), which passes a connection"
        )
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        # Objects outside the models (APScheduler's table, search indexes): see schema_filter.
        include_object=include_object,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
