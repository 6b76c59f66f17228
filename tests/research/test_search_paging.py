"""Keyset paging, capped counts and the stored sort date, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text, update

from newsarchive.storage.archive import Archive
from newsarchive.storage.models import Article
from newsarchive.storage.research.search import query as search_query
from newsarchive.storage.research.search.cursor import Cursor
from newsarchive.storage.research.search.query import BadQuery, SearchPage, SearchQuery, search
from tests.research.conftest import T0, capture

STORIES = 13


@pytest.fixture
def many(archive: Archive) -> Archive:
    """13 stories mentioning "harbour"; several share a published day (ties broken by version id)."""
    for i in range(STORIES):
        capture(
            archive,
            f"https://news.example.com/harbour/{i}.html",
            T0 + timedelta(hours=i),
            title=f"Harbour story {i}",
            text="The harbour " + "harbour " * (i % 4) + f"reopened after repairs, story {i}.",
            published=f"2026-03-0{1 + i % 3}",
        )
    return archive


def page(archive: Archive, **options: object) -> SearchPage:
    with archive.sessions() as session:
        return search(session, SearchQuery(**options))  # type: ignore[arg-type]


def walk(archive: Archive, **options: object) -> list[int]:
    """Version ids of every page, following next_cursor."""
    seen: list[int] = []
    cursor = None
    for _ in range(STORIES + 2):
        current = page(archive, cursor=cursor, **options)
        seen += [hit.version_id for hit in current.hits]
        cursor = current.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ran out")


@pytest.mark.parametrize(
    "options",
    [
        {"sort": "date"},
        {"text": "harbour", "sort": "date"},
        {"text": "harbour"},
        {"text": "harbour", "limit": 1},
    ],
)
def test_cursor_pages_equal_one_long_page(many: Archive, options: dict) -> None:
    whole = [hit.version_id for hit in page(many, **{**options, "limit": 100}).hits]
    assert len(whole) == STORIES
    assert walk(many, **{"limit": 4, **options}) == whole


def test_the_next_page_does_not_shift_when_articles_arrive(many: Archive) -> None:
    first = page(many, sort="date", limit=5)
    # A new article, newest of all, lands between two page views.
    capture(
        many, "https://news.example.com/harbour/late.html", T0 + timedelta(days=9), published="2026-03-09"
    )
    second = page(many, sort="date", limit=5, cursor=first.next_cursor)
    by_offset = page(many, sort="date", limit=5, offset=5)
    before = [h.version_id for h in page(many, sort="date", limit=100).hits]
    assert [h.version_id for h in second.hits] == before[6:11]  # right after the first page
    assert by_offset.hits[0].version_id == first.hits[-1].version_id  # offset repeats a hit


def test_last_page_has_no_cursor(many: Archive) -> None:
    assert page(many, sort="date", limit=STORIES).next_cursor is None
    assert page(many, sort="date", limit=STORIES - 1).next_cursor is not None


def test_counts_stop_at_the_cap_and_say_so(many: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (page(many, text="harbour").total, page(many, text="harbour").total_exact) == (STORIES, True)
    monkeypatch.setattr(search_query, "COUNT_CAP", 5)
    capped = page(many, text="harbour", limit=3)
    assert (capped.total, capped.total_exact) == (5, False)
    exact = page(many, text="harbour", source="nowhere")
    assert (exact.total, exact.total_exact) == (0, True)
    # Walking on past the cap still reaches every hit.
    assert len(walk(many, sort="date", limit=4)) == STORIES


@pytest.mark.parametrize(
    ("cursor", "sort", "message"),
    [
        ("not base64 !!", "date", "not one this archive gave out"),
        ("WzEsMiwzXQ", "date", "not one this archive gave out"),  # [1,2,3]
        (Cursor("date", "2026", 1).encode(), "relevance", "sorted by date"),
        (Cursor("relevance", 1.5, 1).encode(), "date", "sorted by relevance"),
        ("x" * 401, "date", "not one this archive gave out"),
    ],
)
def test_bad_cursors_are_refused(many: Archive, cursor: str, sort: str, message: str) -> None:
    with pytest.raises(BadQuery, match=message):
        page(many, text="harbour", sort=sort, cursor=cursor)


def test_cursor_and_offset_together_are_refused(many: Archive) -> None:
    with pytest.raises(BadQuery, match="not both"):
        page(many, sort="date", offset=4, cursor=Cursor("date", "2026", 1).encode())


def sort_dates(archive: Archive) -> dict[int, str | None]:
    """Each article's (one) version's sort date, by article id."""
    with archive.sessions() as session:
        return {row[0]: row[1] for row in session.execute(text("SELECT article_id, sort_date FROM versions"))}


def test_sort_date_is_kept_by_the_database(archive: Archive) -> None:
    dated = capture(archive, "https://news.example.com/a.html", published="2026-03-01T10:00:00+01:00")
    undated = capture(archive, "https://news.example.com/b.html", T0 + timedelta(hours=1))
    dates = sort_dates(archive)
    assert dates[dated.article_id] == "2026-03-01T10:00:00+01:00"
    assert dates[undated.article_id] == "2026-03-02T10:00:00"  # first seen, UTC, as ISO text
    with archive.sessions() as session, session.begin():
        # A re-extraction that finds a date, and an article whose first sighting moves earlier.
        session.execute(
            text("UPDATE versions SET published = '2025-01-01' WHERE article_id = :id"),
            {"id": dated.article_id},
        )
        session.execute(
            update(Article)
            .where(Article.id == undated.article_id)
            .values(first_seen_at=T0 - timedelta(days=1))
        )
    dates = sort_dates(archive)
    assert dates[dated.article_id] == "2025-01-01"
    assert dates[undated.article_id] == "2026-03-01T09:00:00"


def test_search_leaves_the_transactions_planner_settings_as_it_found_them(many: Archive) -> None:
    with many.sessions() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("PostgreSQL's planner settings")
        setting = "SELECT current_setting('enable_seqscan'), current_setting('jit')"
        before = session.execute(text(setting)).one()
        assert search(session, SearchQuery(text="harbour")).total == STORIES
        assert session.execute(text(setting)).one() == before
