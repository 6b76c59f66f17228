"""index captures by requested and final URL

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

Discovery and the read side look captures up by URL ("was this link
captured before?", "which article did this URL become?"): without an index
that is a scan of every capture ever made.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("captures") as batch_op:
        batch_op.create_index(batch_op.f("ix_captures_requested_url"), ["requested_url"], unique=False)
        batch_op.create_index(batch_op.f("ix_captures_final_url"), ["final_url"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("captures") as batch_op:
        batch_op.drop_index(batch_op.f("ix_captures_final_url"))
        batch_op.drop_index(batch_op.f("ix_captures_requested_url"))
