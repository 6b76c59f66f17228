"""Counts read from narrower statements (SQLite) agree with the matches; 0016's latest published date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text, update

from newsarchive.storage.archive import Archive
from newsarchive.storage.models import Article, DeclaredTerm, Version
from newsarchive.storage.research.search import query as search_query
from newsarchive.storage.research.search import sqlite as search_sqlite
from newsarchive.storage.research.search.query import SearchQuery, search, select_versions
from tests.research.conftest import T0, capture

HARBOUR = "https://news.example.com/2026/03/harbour.html"
FERRY = "https://news.example.com/2026/03/ferry.html"
BRIDGE = "https://other.example.org/2026/04/bridge.html"
UNDATED = "https://other.example.org/undated.html"


@pytest.fixture
def mixed(archive: Archive) -> Archive:
    """Two sources, two domains, edits that move the published date, an undated article, a superseded version."""
    capture(
        archive,
        HARBOUR,
        title="Harbour closes",
        text="The harbour closed for repairs.",
        published="2026-03-01",
    )
    # The edit moves the article out of March: only its latest date counts.
    capture(
        archive,
        HARBOUR,
        T0 + timedelta(hours=2),
        title="Harbour reopens",
        text="The harbour reopened after repairs.",
        published="2026-04-02",
    )
    capture(
        archive,
        FERRY,
        T0 + timedelta(hours=1),
        title="Ferry returns",
        text="The ferry returns to the harbour.",
        published="2026-03-15T08:00:00+01:00",
    )
    capture(
        archive,
        BRIDGE,
        T0 + timedelta(days=1),
        source="city",
        title="Bridge works",
        text="Bridge works near the harbour start in April.",
        published="2026-04-20",
    )
    capture(
        archive,
        BRIDGE,
        T0 + timedelta(days=2),
        source="city",
        title="Bridge works delayed",
        text="Bridge works near the harbour are delayed.",
        published="2026-04-20",
    )
    capture(archive, UNDATED, source="city", title="Harbour walk", text="A walk along the harbour.")
    with archive.sessions() as session, session.begin():
        bridge = session.query(Article).filter_by(canonical_url=BRIDGE).one()
        session.add(DeclaredTerm(article_id=bridge.id, kind="keyword", term="works"))
        # A reading a re-extraction replaced (the first of the bridge's two).
        session.execute(
            update(Version)
            .where(Version.article_id == bridge.id, Version.number == 1)
            .values(superseded_at=T0 + timedelta(days=3))
        )
    return archive


QUERIES = [
    {},
    {"text": "harbour"},
    {"text": "harbo*"},
    {"text": "harbour", "sort": "date"},
    {"text": '"bridge works"'},
    {"source": "example"},
    {"domain": "other.example.org"},
    {"source": "example", "published_from": date(2026, 3, 1), "published_to": date(2026, 3, 31)},
    {"published_from": date(2026, 4, 1)},
    {"published_to": date(2026, 3, 31)},
    {"text": "harbour", "published_from": date(2026, 4, 1), "published_to": date(2026, 4, 30)},
    {"text": "harbour", "changed": True},
    {"text": "harbour", "keyword": "works"},
    {"text": "harbour", "source": "city", "changed": True},
    {"text": "harbour", "all_versions": True},
    {"text": "harbour", "all_versions": True, "superseded": True},
    {"text": "harbour", "all_versions": True, "source": "city"},
    {"text": "harbour", "all_versions": True, "published_from": date(2026, 4, 1)},
    {"text": "harbour", "language": "en"},
    {"text": "harbour", "author": "nobody"},
]


@pytest.mark.parametrize("options", QUERIES, ids=[repr(q) for q in QUERIES])
def test_the_count_is_the_number_of_matches(mixed: Archive, options: dict) -> None:
    with mixed.sessions() as session:
        query = SearchQuery(limit=100, **options)
        page = search(session, query)
        assert page.total_exact and page.total == len(page.hits)
        # The page's own statement, counted, says the same.
        stmt, _, _ = select_versions(session, query)
        assert search_query.count_matches(session, stmt) == (page.total, True)


def test_sqlite_counts_latest_versions_without_the_versions_table(mixed: Archive) -> None:
    from sqlalchemy.dialects import sqlite

    with mixed.sessions() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("SQLite's count statements")

        def sql(**options: object) -> str | None:
            query = SearchQuery(**options)  # type: ignore[arg-type]
            stmt = search_sqlite.narrow_statement(
                query,
                search_query.parsed_text(query),
                lambda q: search_query._filters(q, search_sqlite),
            )
            return None if stmt is None else str(stmt.compile(dialect=sqlite.dialect()))

        month = sql(text="harbour", source="example", published_from=date(2026, 3, 1))
        assert month is not None and "versions " not in month.replace("versions_fts", "")
        assert "articles.latest_published >=" in month
        assert "versions " not in (sql() or "versions ")
        # Filters read from the version row count through the general statement.
        assert sql(text="harbour", language="en") is None
        assert sql(all_versions=True) is None
        every = sql(text="harbour", all_versions=True)
        assert every is not None and "superseded_at IS NULL" in every and "JOIN articles" not in every


def latest_published(archive: Archive) -> dict[str, str | None]:
    with archive.sessions() as session:
        rows = session.execute(text("SELECT canonical_url, latest_published FROM articles"))
        return {url: published for url, published in rows}


def test_the_latest_published_date_follows_the_latest_version(mixed: Archive) -> None:
    with mixed.sessions() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("SQLite keeps articles.latest_published (migration 0016)")
    assert latest_published(mixed) == {
        HARBOUR: "2026-04-02",
        FERRY: "2026-03-15T08:00:00+01:00",
        BRIDGE: "2026-04-20",
        UNDATED: None,
    }
    # A new version with a new date, a corrected date, a pointer moved back.
    capture(mixed, FERRY, T0 + timedelta(days=4), title="Ferry cancelled", published="2026-05-01")
    with mixed.sessions() as session, session.begin():
        session.execute(update(Version).where(Version.title == "Bridge works delayed").values(published=None))
        harbour = session.query(Article).filter_by(canonical_url=HARBOUR).one()
        first = session.query(Version).filter_by(article_id=harbour.id, number=1).one()
        harbour.latest_version_id = first.id
    assert latest_published(mixed) == {
        HARBOUR: "2026-03-01",
        FERRY: "2026-05-01",
        BRIDGE: None,
        UNDATED: None,
    }
    with mixed.sessions() as session:
        march = search(session, SearchQuery(published_from=date(2026, 3, 1), published_to=date(2026, 3, 31)))
    assert (march.total, [hit.url for hit in march.hits]) == (1, [HARBOUR])
