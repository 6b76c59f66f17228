"""stories: story clusters (MinHash + LSH bands), headline A/B tests, detected language

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

`story_clusters` groups the articles that carry the same story (a wire story
at several outlets, a story moved to a new URL, AMP and print copies), with
the member first seen. `story_signatures` keeps each article's MinHash
signature and `story_bands` its LSH bands, indexed on the band hash, so
adding an article looks candidates up in the index instead of rebuilding an
in-memory one. `articles.cluster_id` points to the cluster.
`headline_tests` records headlines alternating on one URL.
`versions.detected_language` is the language detected from the text where
the page declares none (the declared one stays in `versions.language`).
Existing rows: no cluster, no detected language (NULL); `newsarchive db
cluster-stories` signs and clusters the articles stored before this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ADD COLUMN (see 0007): a batch copy of `versions` would break the
    # latest_versions view on SQLite.
    op.add_column("articles", sa.Column("cluster_id", sa.Integer(), nullable=True))
    op.create_index("ix_articles_cluster_id", "articles", ["cluster_id"])
    op.add_column("versions", sa.Column("detected_language", sa.String(length=20), nullable=True))
    op.create_index("ix_versions_detected_language", "versions", ["detected_language"])
    op.create_table(
        "story_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_article_id", sa.Integer(), nullable=False),
        sa.Column("first_domain", sa.String(length=255), nullable=False),
        sa.Column("first_source", sa.String(length=200), nullable=True),
        sa.Column("first_seen_at", UTC_DATETIME, nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_story_clusters"),
    )
    op.create_table(
        "story_signatures",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("shingles", sa.Integer(), nullable=False),
        sa.Column("matched_article_id", sa.Integer(), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_story_signatures_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name="pk_story_signatures"),
    )
    op.create_table(
        "story_bands",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_story_bands_article_id_articles", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", "band", name="pk_story_bands"),
    )
    op.create_index("ix_story_bands_hash", "story_bands", ["hash"])
    op.create_table(
        "headline_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("last_seen_at", UTC_DATETIME, nullable=False),
        sa.Column("shown", JSON, nullable=False),
        sa.Column("headlines", sa.Integer(), nullable=False),
        sa.Column("flips", sa.Integer(), nullable=False),
        sa.Column("first_version", sa.Integer(), nullable=False),
        sa.Column("last_version", sa.Integer(), nullable=False),
        sa.Column("detected_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_headline_tests_article_id_articles", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_headline_tests"),
    )
    op.create_index("ix_headline_tests_article_id", "headline_tests", ["article_id"])
    op.create_index("ix_headline_tests_last_seen_at", "headline_tests", ["last_seen_at"])


def downgrade() -> None:
    op.drop_index("ix_headline_tests_last_seen_at", table_name="headline_tests")
    op.drop_index("ix_headline_tests_article_id", table_name="headline_tests")
    op.drop_table("headline_tests")
    op.drop_index("ix_story_bands_hash", table_name="story_bands")
    op.drop_table("story_bands")
    op.drop_table("story_signatures")
    op.drop_table("story_clusters")
    op.drop_index("ix_versions_detected_language", table_name="versions")
    op.drop_column("versions", "detected_language")
    op.drop_index("ix_articles_cluster_id", table_name="articles")
    op.drop_column("articles", "cluster_id")
