"""latest published: the latest version's publisher date on its article (SQLite), for counts that stay small

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02

A search of the latest versions filtered by an article's source or domain
and a published-date range ("source0, March") had to read every version
published in the range and look its article up to learn whether it is the
latest one and from that source: 46,000 versions a month at 1,000,000
articles, 60 ms of counting at 195,000 and growing with the archive.
`articles.latest_published` holds the latest version's `published` (NULL
when it has none), kept by triggers; `ix_articles_latest_published` holds
it beside the source and domain, so the count of such a search is one range
of one index (storage/research/search/sqlite.py, `narrow_statement`), and
`ix_articles_latest_dated` beside the pointer, for text and a date range.

0014's covering indexes gain the new column (`ix_articles_latest_cover`)
and `superseded_at` (`ix_versions_search_cover`): counting matches among all
versions checks "not superseded" in the index instead of reading each row
to its end, where that column (added by 0013) lives.

SQLite only: PostgreSQL counts through its own plans (the other half of
issue 20); on PostgreSQL this revision changes nothing. Like
`versions.sort_date`, the models do not describe the column.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_FROM_VERSION = "(SELECT published FROM versions WHERE versions.id = {pointer})"

SQLITE_UPGRADE = [
    # Plain ADD COLUMN (see 0007): a batch copy would rebuild the table.
    "ALTER TABLE articles ADD COLUMN latest_published VARCHAR(40)",
    f"UPDATE articles SET latest_published = {_FROM_VERSION.format(pointer='articles.latest_version_id')} "
    "WHERE latest_version_id IS NOT NULL",
    # The pointer moves (a new version, a re-extraction) ...
    "CREATE TRIGGER articles_latest_published_insert AFTER INSERT ON articles "
    "WHEN new.latest_version_id IS NOT NULL BEGIN "
    f"UPDATE articles SET latest_published = {_FROM_VERSION.format(pointer='new.latest_version_id')} "
    "WHERE id = new.id; END",
    "CREATE TRIGGER articles_latest_published_update AFTER UPDATE OF latest_version_id ON articles BEGIN "
    f"UPDATE articles SET latest_published = {_FROM_VERSION.format(pointer='new.latest_version_id')} "
    "WHERE id = new.id; END",
    # ... or the version it points to is written after the pointer (bulk
    # loads insert articles first) or changes its date.
    "CREATE TRIGGER versions_latest_published_insert AFTER INSERT ON versions BEGIN "
    "UPDATE articles SET latest_published = new.published "
    "WHERE latest_version_id = new.id; END",
    "CREATE TRIGGER versions_latest_published_update AFTER UPDATE OF published ON versions BEGIN "
    "UPDATE articles SET latest_published = new.published "
    "WHERE latest_version_id = new.id; END",
    # A date range, with or without a source or domain: one range of one
    # index (a month is 46,000 entries at 1,000,000 articles, 4 ms). Not
    # (source, latest_published): the planner then takes it for the page as
    # well, reads every article of the source and sorts them, where walking
    # ix_versions_sort_date stops after a page (355 ms against 1 ms at 360,000).
    "CREATE INDEX ix_articles_latest_published ON articles (latest_published, source, domain, latest_version_id)",
    "DROP INDEX ix_articles_latest_cover",
    "CREATE INDEX ix_articles_latest_cover ON articles "
    "(latest_version_id, source, domain, version_count, latest_published)",
    # Text and a date range without a source: each match is looked up by
    # its pointer, and with only the pointer to go on the planner takes the
    # plain pointer index and reads every article's row for its date (4 µs
    # a match against 2 µs); this one matches the pointer and the range.
    "CREATE INDEX ix_articles_latest_dated ON articles (latest_version_id, latest_published)",
    "DROP INDEX ix_versions_search_cover",
    "CREATE INDEX ix_versions_search_cover ON versions "
    "(id, article_id, number, published, language, first_seen_at, last_seen_at, sort_date, superseded_at)",
]

SQLITE_DOWNGRADE = [
    "DROP INDEX ix_versions_search_cover",
    "CREATE INDEX ix_versions_search_cover ON versions "
    "(id, article_id, number, published, language, first_seen_at, last_seen_at, sort_date)",
    "DROP INDEX ix_articles_latest_cover",
    "CREATE INDEX ix_articles_latest_cover ON articles (latest_version_id, source, domain, version_count)",
    "DROP INDEX ix_articles_latest_dated",
    "DROP INDEX ix_articles_latest_published",
    "DROP TRIGGER versions_latest_published_update",
    "DROP TRIGGER versions_latest_published_insert",
    "DROP TRIGGER articles_latest_published_update",
    "DROP TRIGGER articles_latest_published_insert",
    "ALTER TABLE articles DROP COLUMN latest_published",
]


# Analysed at once where the archive has statistics: without them the
# planner guesses, and a guess about a new index can be a scan of the month.
_NEW_INDEXES = (
    "ix_articles_latest_published",
    "ix_articles_latest_cover",
    "ix_articles_latest_dated",
    "ix_versions_search_cover",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for statement in SQLITE_UPGRADE:
        op.execute(statement)
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        # Sampled, as storage/db.py refresh_statistics does: cheap at any size.
        op.execute("PRAGMA analysis_limit = 1000")
        for index in _NEW_INDEXES:
            op.execute(f"ANALYZE {index}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
