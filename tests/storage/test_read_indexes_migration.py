"""Migration 0014 on an archive that already holds articles: sort dates filled, search index rebuilt."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import insert, text

from newsarchive.storage.db import alembic_config, make_engine, session_factory, upgrade
from newsarchive.storage.models import Article, Version
from newsarchive.storage.research.search.query import SearchQuery, search

SEEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _version(version_id: int, article_id: int, published: str | None, title: str) -> dict:
    return {
        "id": version_id,
        "article_id": article_id,
        "number": 1,
        "content_hash": f"{version_id:064d}",
        "title": title,
        "text": "The harbour reopened after the storm.",
        "authors": ["Ana Ruiz"],
        "captions": [],
        "published": published,
        "language": "en",
        "images": [],
        "flags": [],
        "word_count": 6,
        "extractor": "test",
        "extractor_version": "1",
        "first_seen_at": SEEN,
        "last_seen_at": SEEN,
        "capture_count": 1,
    }


def test_upgrade_fills_sort_dates_and_keeps_existing_text_searchable(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        cfg = alembic_config()
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "0013")
        with engine.begin() as connection:
            for article_id in (1, 2):
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
                        latest_version_id=article_id,
                    )
                )
            connection.execute(
                insert(Version),
                [
                    _version(1, 1, "2026-03-01", "Harbour reopens"),
                    _version(2, 2, None, "Harbourmaster speaks"),
                ],
            )
        upgrade(engine)
        with engine.connect() as connection:
            dates = dict(connection.execute(text("SELECT id, sort_date FROM versions ORDER BY id")).all())
        assert dates == {1: "2026-03-01", 2: "2026-03-02T09:30:00"}
        with session_factory(engine)() as session:
            newest = search(session, SearchQuery(sort="date"))
            assert [hit.version_id for hit in newest.hits] == [2, 1]
            # Rows indexed before the FTS table was rebuilt with prefix indexes are still found.
            assert {hit.version_id for hit in search(session, SearchQuery(text="harbo*")).hits} == {1, 2}
            assert [
                hit.version_id for hit in search(session, SearchQuery(text="storm", sort="date")).hits
            ] == [2, 1]
    finally:
        engine.dispose()
