"""PostgreSQL's shortcuts in search (phrases split for the index, one-pass counts, id windows) answer as the plain query would."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from newsarchive.storage.archive import Archive
from newsarchive.storage.research.search import postgres as search_postgres
from newsarchive.storage.research.search import query as search_query
from newsarchive.storage.research.search.query import SearchPage, SearchQuery, search
from newsarchive.storage.research.search.syntax import parse
from tests.research.conftest import T0, capture

STORIES = 12
LATER = 30


@pytest.fixture
def harbour(archive: Archive) -> Archive:
    """12 harbour stories (the even ones also mention the "ferry timetable"), then 30 stories without the word."""
    for i in range(STORIES):
        capture(
            archive,
            f"https://news.example.com/harbour/{i}.html",
            T0 + timedelta(hours=i),
            title=f"Harbour story {i}",
            text="The harbour "
            + "harbour " * (i % 5)
            + ("and the ferry timetable " if i % 2 == 0 else "")
            + f"changed, story {i}.",
            published=f"2026-03-0{1 + i % 3}",
        )
    for i in range(LATER):
        capture(
            archive,
            f"https://news.example.com/later/{i}.html",
            T0 + timedelta(days=2, hours=i),
            title=f"Later story {i}",
            text="Nothing about the port here.",
            published="2026-03-05",
        )
    return archive


def run(archive: Archive, **options: object) -> SearchPage:
    with archive.sessions() as session:
        return search(session, SearchQuery(**options))  # type: ignore[arg-type]


def is_postgres(archive: Archive) -> bool:
    with archive.sessions() as session:
        return session.get_bind().dialect.name == "postgresql"


def test_mixed_groups_split_into_plain_and_positional_pieces() -> None:
    pieces = search_postgres.disjuncts(parse('"ferry timetable" OR harbour story'))
    assert [[[t.text for t in group] for group in piece.groups] for piece in pieces] == [
        [["harbour"], ["story"]],
        [["ferry timetable"], ["story"]],
    ]
    # Nothing to gain: plain words only, or phrases only.
    assert len(search_postgres.disjuncts(parse("harbour OR ferry story"))) == 1
    assert len(search_postgres.disjuncts(parse('"ferry timetable" OR "harbour story"'))) == 1
    # Past MAX_SPLIT_GROUPS mixed groups the query stays whole.
    four = " ".join(f'"a{i} b{i}" OR c{i}' for i in range(search_postgres.MAX_SPLIT_GROUPS + 1))
    assert len(search_postgres.disjuncts(parse(four))) == 1
    three = " ".join(f'"a{i} b{i}" OR c{i}' for i in range(search_postgres.MAX_SPLIT_GROUPS))
    assert len(search_postgres.disjuncts(parse(three))) == 2**search_postgres.MAX_SPLIT_GROUPS


@pytest.mark.parametrize(
    "query",
    [
        '"ferry timetable" OR harbour',
        '"ferry timetable" OR zebra',
        '"timetable ferry" OR story -"later story"',
        '"ferry timetable" OR port "harbour story" OR later',
    ],
)
def test_a_split_query_finds_what_the_whole_one_does(harbour: Archive, query: str) -> None:
    found = {hit.url for hit in run(harbour, text=query, limit=100).hits}
    expected = {
        '"ferry timetable" OR harbour': {
            f"https://news.example.com/harbour/{i}.html" for i in range(STORIES)
        },
        '"ferry timetable" OR zebra': {
            f"https://news.example.com/harbour/{i}.html" for i in range(0, STORIES, 2)
        },
        '"timetable ferry" OR story -"later story"': {
            f"https://news.example.com/harbour/{i}.html" for i in range(STORIES)
        },
        '"ferry timetable" OR port "harbour story" OR later': {
            f"https://news.example.com/harbour/{i}.html" for i in range(0, STORIES, 2)
        }
        | {f"https://news.example.com/later/{i}.html" for i in range(LATER)},
    }[query]
    assert found == expected


def test_past_the_count_cap_relevance_ranks_the_newest_matches(
    harbour: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not is_postgres(harbour):
        pytest.skip("PostgreSQL's id windows")
    monkeypatch.setattr(search_postgres, "RANK_CANDIDATES", 4)
    whole = run(harbour, text="harbour", limit=2)
    assert (whole.total, whole.total_exact) == (STORIES, True)
    # Counted to 3 only: the 4 newest matches are looked for in windows of
    # the newest ids, which start among the 30 later stories and must grow.
    monkeypatch.setattr(search_postgres, "COUNT_CAP", 3)
    capped = run(harbour, text="harbour", limit=2)
    assert (capped.total, capped.total_exact) == (3, False)
    assert [(h.url, h.score) for h in capped.hits] == [(h.url, h.score) for h in whole.hits]
    newest = {f"https://news.example.com/harbour/{i}.html" for i in range(8, 12)}
    assert len(capped.hits) == 2 and {h.url for h in capped.hits} <= newest
    # The cursor pages on through the same candidates.
    rest = run(harbour, text="harbour", limit=2, cursor=capped.next_cursor)
    assert {h.url for h in capped.hits + rest.hits} == newest and rest.next_cursor is None
    # A filter leaving 4 matches (more than the cap, no more than the
    # candidates): the window grows to cover every id.
    filtered = run(harbour, text="harbour", published_to=date(2026, 3, 1), limit=4)
    assert (filtered.total, filtered.total_exact) == (3, False)
    assert sorted(h.url for h in filtered.hits) == [
        f"https://news.example.com/harbour/{i}.html" for i in (0, 3, 6, 9)
    ]


def test_past_the_count_cap_dates_still_sort_every_match(
    harbour: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = run(harbour, text="harbour", sort="date", limit=5)
    monkeypatch.setattr(search_postgres, "COUNT_CAP", 3)
    monkeypatch.setattr(search_query, "COUNT_CAP", 3)
    capped = run(harbour, text="harbour", sort="date", limit=5)
    assert (capped.total, capped.total_exact) == (3, False)
    assert [h.version_id for h in capped.hits] == [h.version_id for h in whole.hits]
    second = run(harbour, text="harbour", sort="date", limit=5, cursor=capped.next_cursor)
    assert [h.version_id for h in second.hits] == [
        h.version_id for h in run(harbour, text="harbour", sort="date", limit=10).hits
    ][5:]


def test_postgres_counts_to_its_own_cap(harbour: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    if not is_postgres(harbour):
        pytest.skip("PostgreSQL's count cap")
    assert search_postgres.COUNT_CAP < search_query.COUNT_CAP
    monkeypatch.setattr(search_postgres, "COUNT_CAP", 5)
    for options in ({"text": "harbour"}, {"text": "harbour", "sort": "date"}, {"sort": "date"}):
        page = run(harbour, **options)
        assert (page.total, page.total_exact) == (5, False), options
    assert (run(harbour, text="later").total, run(harbour, text="later").total_exact) == (5, False)
    assert (run(harbour, text="ferry").total, run(harbour, text="ferry").total_exact) == (5, False)
    assert (
        run(harbour, text="timetable story 4").total,
        run(harbour, text="timetable story 4").total_exact,
    ) == (
        1,
        True,
    )


def test_a_text_search_leaves_index_scans_as_it_found_them(harbour: Archive) -> None:
    with harbour.sessions() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("PostgreSQL's planner settings")
        setting = text("SELECT current_setting('enable_indexscan')")
        before = session.scalar(setting)
        assert search(session, SearchQuery(text="harbour")).total == STORIES
        assert session.scalar(setting) == before
