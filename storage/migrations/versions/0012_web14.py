"""first-seen indexes: the web pages' date windows (charts, recent edits) read a range, not the table

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

The charts count articles and edits per day inside a date window, and the
recent edits page reads the newest versions first. Without an index on
`first_seen_at` both scan every row of a large archive; with one they read
the window alone.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain CREATE INDEX (see 0007): a batch copy of `versions` would break
    # the latest_versions view on SQLite.
    op.create_index("ix_articles_first_seen_at", "articles", ["first_seen_at"])
    op.create_index("ix_versions_first_seen_at", "versions", ["first_seen_at"])


def downgrade() -> None:
    op.drop_index("ix_versions_first_seen_at", table_name="versions")
    op.drop_index("ix_articles_first_seen_at", table_name="articles")
