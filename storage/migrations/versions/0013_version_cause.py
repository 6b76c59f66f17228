"""version cause: a publisher's edit or an extractor change; re-extracted generations

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

`versions.cause` says why a version exists: "edit" (the page changed: a
publisher's edit, or the first version) or "extractor" (the page did not
change, our extractor did: `newsarchive reextract`). Every existing row is a
crawl's version, hence "edit". `versions.superseded_at` is set on the
versions a re-extraction replaced: they stay archived and readable, but the
article's current history is the versions where it is NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0007): a batch copy of `versions` would break the
    # latest_versions view on SQLite. A server default fills existing rows.
    op.add_column("versions", sa.Column("cause", sa.String(length=20), nullable=False, server_default="edit"))
    op.add_column("versions", sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("versions", "superseded_at")
    op.drop_column("versions", "cause")
