"""declared metadata: feed and news-sitemap fields kept per article and version

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

News sitemaps (news:name, news:language, news:keywords, news:title,
news:genres) and feed entries (title, categories, dates) were parsed and
dropped with the frontier row. `articles.declared` keeps the latest record,
`versions.declared` the record as it stood at each version, and
`declared_terms` the keywords and sections, indexed for search filters.
Existing rows have none (NULL): nothing was kept before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch table copy: SQLite can add a nullable
    # column in place, and a copy of `versions` would break the
    # latest_versions view (0003) that reads it.
    op.add_column("articles", sa.Column("declared", JSON, nullable=True))
    op.add_column("versions", sa.Column("declared", JSON, nullable=True))
    op.create_table(
        "declared_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "kind", "term", name="uq_declared_terms"),
    )
    op.create_index("ix_declared_terms_article_id", "declared_terms", ["article_id"])
    op.create_index("ix_declared_terms_kind_term", "declared_terms", ["kind", "term"])


def downgrade() -> None:
    op.drop_index("ix_declared_terms_kind_term", table_name="declared_terms")
    op.drop_index("ix_declared_terms_article_id", table_name="declared_terms")
    op.drop_table("declared_terms")
    # SQLite 3.35+ drops a column in place (the view does not read this one).
    op.drop_column("versions", "declared")
    op.drop_column("articles", "declared")
