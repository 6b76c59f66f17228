"""Migration 0016 on an archive that already holds articles: the latest published date filled (SQLite)."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import insert, inspect, text

from newsarchive.storage.db import alembic_config, make_engine, upgrade
from newsarchive.storage.models import Article, Version
from tests.storage.test_read_indexes_migration import SEEN, _version


def test_upgrade_fills_the_latest_published_date_and_downgrade_removes_it(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("0016 changes nothing on PostgreSQL")
    engine = make_engine(db_url)
    try:
        cfg = alembic_config()
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "0015")
            for article_id, latest in ((1, 2), (2, 3)):
                connection.execute(
                    insert(Article).values(
                        id=article_id,
                        canonical_url=f"https://news.example.com/{article_id}.html",
                        domain="news.example.com",
                        source="example",
                        first_seen_at=SEEN,
                        last_seen_at=SEEN,
                        last_checked_at=SEEN,
                        last_changed_at=SEEN,
                        version_count=1,
                        latest_version_id=latest,
                    )
                )
            connection.execute(
                insert(Version),
                [
                    _version(1, 1, "2026-03-01", "Harbour closes"),
                    {**_version(2, 1, "2026-04-02", "Harbour reopens"), "number": 2},
                    _version(3, 2, None, "Harbourmaster speaks"),
                ],
            )
        upgrade(engine)
        with engine.connect() as connection:
            filled = dict(
                connection.execute(text("SELECT id, latest_published FROM articles ORDER BY id")).all()
            )
        assert filled == {1: "2026-04-02", 2: None}
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0015")
        assert "latest_published" not in {
            column["name"] for column in inspect(engine).get_columns("articles")
        }
    finally:
        engine.dispose()
