"""crawl-run heartbeat

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

A running crawl, revisit or worker pass touches `heartbeat_at` every
NEWSARCHIVE_HEARTBEAT seconds. A run on another host whose heartbeat has
stopped is known dead within minutes, not after the 12 hours that were the
only rule before (its process cannot be checked from here); runs from
before this migration keep that rule.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import newsarchive.storage.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "heartbeat_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
