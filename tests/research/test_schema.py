"""Migration 0003's read-side objects: the latest_versions view and the search index."""

from __future__ import annotations

from sqlalchemy import text

from newsarchive.storage.archive import Archive
from tests.research.conftest import BUDGET, FLOOD


def test_latest_versions_view_has_one_row_per_article(filled: Archive) -> None:
    with filled.sessions() as session:
        rows = session.execute(
            text(
                "SELECT url, version, versions, title, first_seen, last_checked FROM latest_versions ORDER BY url"
            )
        ).all()
    assert len(rows) == 4
    budget = next(row for row in rows if row.url == BUDGET)
    assert (budget.version, budget.versions, budget.title) == (2, 2, "Council rejects budget")
    assert budget.first_seen is not None and budget.last_checked is not None


def test_archives_created_before_0003_are_indexed_on_upgrade(db_url: str, tmp_path) -> None:
    from newsarchive.storage.config import ArchiveConfig
    from newsarchive.storage.db import make_engine, upgrade
    from newsarchive.storage.research.search.query import SearchQuery, search
    from tests.research.conftest import capture

    engine = make_engine(db_url)
    upgrade(engine, "0002")
    engine.dispose()
    # Write through the service on the old schema, then upgrade: the backfill must index it.
    config = ArchiveConfig(home=tmp_path / "home", db_url=db_url)
    with Archive(config, migrate=False) as archive:
        capture(archive, FLOOD, title="River floods the old town", text="Boats in the streets.")
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    with Archive(config) as archive, archive.sessions() as session:
        assert [hit.url for hit in search(session, SearchQuery(text="boats")).hits] == [FLOOD]
