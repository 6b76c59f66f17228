"""edit kinds: what kind of edit each version is, and which version a revert restored

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

`versions.edit_kinds` holds the kinds of a version's edit against its
predecessor as a comma list ("headline,typo"; "" when none applies), and
`versions.revert_of` the number of the earlier version whose headline and
text it equals. Both are NULL for a first version and for versions stored
before this revision: `newsarchive db classify-edits` fills those.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0007): a batch copy of `versions` would break the
    # latest_versions view on SQLite.
    op.add_column("versions", sa.Column("edit_kinds", sa.String(length=200), nullable=True))
    op.add_column("versions", sa.Column("revert_of", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("versions", "revert_of")
    op.drop_column("versions", "edit_kinds")
