"""What Alembic's model comparison must not see: database objects the models do not describe.

Shared by env.py (autogenerate) and the migrations test, so both agree on
what "the schema matches the models" means.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsarchive.storage.models import Base

# Search machinery created by migration 0003, deliberately outside the models:
# SQLite's FTS5 table and its shadow tables (versions_fts_data, ..._idx, ...),
# SQLite's covering index for search filters, PostgreSQL's generated tsvector
# column and its GIN index; the trigger-kept sort date of migration 0014 and its index;
# SQLite's trigger-kept latest published date of migration 0016 and its indexes.
SEARCH_TABLE_PREFIX = "versions_fts"
SEARCH_COLUMNS = {("versions", "search_vector"), ("versions", "sort_date"), ("articles", "latest_published")}
SEARCH_INDEXES = {
    "ix_versions_search_vector",
    "ix_versions_search_cover",
    "ix_versions_search_published",
    "ix_versions_sort_date",
    "ix_articles_latest_cover",
    "ix_articles_latest_published",
    "ix_articles_latest_dated",
}


def include_name(name: str | None, type_: str, parent_names: Mapping[Any, str | None]) -> bool:
    """Skip reflecting the FTS5 tables at all (reflection of virtual tables is not portable)."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLE_PREFIX))


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    if type_ == "table" and reflected and compare_to is None and name not in Base.metadata.tables:
        # Only our own tables: others share the database (APScheduler's `apscheduler_jobs`).
        return False
    if type_ == "column" and reflected and compare_to is None:
        table = getattr(getattr(obj, "table", None), "name", None)
        return (table, name) not in SEARCH_COLUMNS
    return not (type_ == "index" and reflected and compare_to is None and name in SEARCH_INDEXES)
