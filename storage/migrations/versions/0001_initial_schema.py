"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 21:34:03.443927
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import newsarchive.storage.models.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "first_seen_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("last_seen_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "last_checked_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_changed_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("next_check_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version_count", sa.Integer(), nullable=False),
        sa.Column("latest_version_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_articles_canonical_url")),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_domain"), ["domain"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_articles_latest_version_id"), ["latest_version_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_next_check_at"), ["next_check_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_source"), ["source"], unique=False)

    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "sources",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("started_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "stats",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crawl_runs_started_at"), ["started_at"], unique=False)

    op.create_table(
        "versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "authors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "captions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("published", sa.String(length=40), nullable=True),
        sa.Column("modified", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=20), nullable=True),
        sa.Column("sitename", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "images",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "flags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("extractor", sa.String(length=100), nullable=False),
        sa.Column("extractor_version", sa.String(length=100), nullable=False),
        sa.Column(
            "first_seen_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("last_seen_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("capture_count", sa.Integer(), nullable=False),
        sa.Column("first_capture_id", sa.Integer(), nullable=True),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_versions_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_versions")),
        sa.UniqueConstraint("article_id", "number", name="uq_versions_article_number"),
    )
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_versions_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_versions_content_hash"), ["content_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_versions_language"), ["language"], unique=False)
        batch_op.create_index(batch_op.f("ix_versions_published"), ["published"], unique=False)

    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column(
            "headers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("fetched_at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=True),
        sa.Column("body_size", sa.BigInteger(), nullable=True),
        sa.Column("warc_file", sa.String(length=255), nullable=True),
        sa.Column("warc_offset", sa.BigInteger(), nullable=True),
        sa.Column("warc_length", sa.BigInteger(), nullable=True),
        sa.Column("ignore_robots", sa.Boolean(), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column(
            "extra",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_captures_article_id_articles"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_captures_crawl_run_id_crawl_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name=op.f("fk_captures_version_id_versions"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captures")),
    )
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_captures_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_captures_body_sha256"), ["body_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_captures_crawl_run_id"), ["crawl_run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_captures_fetched_at"), ["fetched_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_captures_outcome"), ["outcome"], unique=False)
        batch_op.create_index(batch_op.f("ix_captures_version_id"), ["version_id"], unique=False)

    op.create_table(
        "article_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("at", newsarchive.storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_events_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["capture_id"],
            ["captures.id"],
            name=op.f("fk_article_events_capture_id_captures"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_events")),
    )
    with op.batch_alter_table("article_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_events_article_id"), ["article_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("article_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_events_article_id"))

    op.drop_table("article_events")
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_captures_version_id"))
        batch_op.drop_index(batch_op.f("ix_captures_outcome"))
        batch_op.drop_index(batch_op.f("ix_captures_fetched_at"))
        batch_op.drop_index(batch_op.f("ix_captures_crawl_run_id"))
        batch_op.drop_index(batch_op.f("ix_captures_body_sha256"))
        batch_op.drop_index(batch_op.f("ix_captures_article_id"))

    op.drop_table("captures")
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_versions_published"))
        batch_op.drop_index(batch_op.f("ix_versions_language"))
        batch_op.drop_index(batch_op.f("ix_versions_content_hash"))
        batch_op.drop_index(batch_op.f("ix_versions_article_id"))

    op.drop_table("versions")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawl_runs_started_at"))

    op.drop_table("crawl_runs")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_source"))
        batch_op.drop_index(batch_op.f("ix_articles_next_check_at"))
        batch_op.drop_index(batch_op.f("ix_articles_latest_version_id"))
        batch_op.drop_index(batch_op.f("ix_articles_domain"))

    op.drop_table("articles")
