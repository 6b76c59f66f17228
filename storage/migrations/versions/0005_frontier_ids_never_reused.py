"""frontier ids never reused on SQLite

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

The source spider reads the frontier through an id cursor (rows after the
last one handed out). SQLite without AUTOINCREMENT gives a new row the
highest id in the table plus one, so once the top rows have been fetched and
deleted, URLs queued later get ids the cursor has already passed and wait
for the next run. AUTOINCREMENT makes ids grow for good, as PostgreSQL's
sequence does already.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "frontier", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.alter_column("id", autoincrement=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("frontier", recreate="always") as batch_op:
        batch_op.alter_column("id", autoincrement=True)
