"""import checkpoints: how far `newsarchive import` got through each WARC file

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

An import of a large WARC file (a month of CC-NEWS) that is interrupted
resumes where it stopped: each file, known by path, size and modification
time and the import's selection (filters, source, --copy), keeps the offset before which every record is in the archive.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import newsarchive.storage.models.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_checkpoints")),
        sa.UniqueConstraint("path", "size", "mtime_ns", "scope", name=op.f("uq_import_checkpoints_path")),
    )


def downgrade() -> None:
    op.drop_table("import_checkpoints")
