"""discovery documents: validators for conditional GET of feeds and sitemaps

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Feeds and sitemaps were fetched and parsed in full on every run. A source
now keeps each document's ETag and Last-Modified (and a sitemap index's
children) and asks conditionally; a 304 costs no parse.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import newsarchive.storage.models.base

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discovery_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column(
            "children",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("read_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discovery_documents")),
        sa.UniqueConstraint("source", "url", name=op.f("uq_discovery_documents_source")),
    )
    with op.batch_alter_table("discovery_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discovery_documents_source"), ["source"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("discovery_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discovery_documents_source"))
    op.drop_table("discovery_documents")
