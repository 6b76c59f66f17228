"""captures.page_kind: what a walled capture's page was

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

A capture whose page is a consent wall, a paywall teaser, a bot challenge,
a login wall, a soft 404 or an empty or error shell is recorded with the
outcome "walled" and this kind, and never becomes a version. Captures from
before this migration have no kind (NULL), as do all but walled ones.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_kind", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_column("page_kind")
