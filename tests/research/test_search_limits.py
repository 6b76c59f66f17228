"""Search limits: a time limit enforced by the engine, prefix terms bounded, filter values checked.

The time limit is tested by making the query certainly outlast a deadline the
test sets, never by timing a big archive: on SQLite the deadline has passed
before the first progress check; on PostgreSQL the query waits on a table
lock the test holds, so it can only end by being cancelled.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from newsarchive.storage.archive import Archive
from newsarchive.storage.db import make_engine
from newsarchive.storage.research.search.deadline import time_limit
from newsarchive.storage.research.search.query import BadQuery, QueryTooBroad, SearchQuery, search
from newsarchive.storage.research.search.syntax import parse
from tests.research.conftest import T0, capture


@pytest.fixture
def many(archive: Archive) -> Archive:
    for n in range(40):
        capture(
            archive,
            f"https://news.example.com/2026/03/{n:02d}/council.html",
            T0 + timedelta(minutes=n),
            title=f"Council story {n}",
            text=f"The council met again, meeting number {n}, about the harbour and the budget.",
            authors=[f"Writer {n}"],
            published="2026-03-02",
        )
    return archive


@contextmanager
def blocked(archive: Archive) -> Iterator[None]:
    """PostgreSQL: another connection holds an exclusive lock on versions until the block ends."""
    engine = make_engine(archive.config.db_url)
    connection = engine.connect()
    transaction = connection.begin()
    connection.execute(text("LOCK TABLE versions IN ACCESS EXCLUSIVE MODE"))
    try:
        yield
    finally:
        transaction.rollback()
        connection.close()
        engine.dispose()


@contextmanager
def outlasting(archive: Archive) -> Iterator[float]:
    """A deadline the next search cannot meet, on either engine."""
    if archive.engine.dialect.name == "postgresql":
        with blocked(archive):
            yield 0.2
    else:
        yield 0.0  # already past at SQLite's first progress check


QUERIES = [
    SearchQuery(text="council"),
    SearchQuery(text="counc* harb*", all_versions=True),
    SearchQuery(author="writer"),
    SearchQuery(),
]


@pytest.mark.parametrize("query", QUERIES, ids=["words", "prefixes", "author", "no text"])
def test_a_search_past_its_deadline_is_stopped_as_too_broad(many: Archive, query: SearchQuery) -> None:
    with many.sessions() as session:
        with outlasting(many) as seconds, pytest.raises(QueryTooBroad) as stopped:
            search(session, query, timeout=seconds)
        assert "query too broad" in str(stopped.value) and "\n" not in str(stopped.value)
        assert isinstance(stopped.value, BadQuery)
        # The same session goes on working, without the limit left behind.
        assert search(session, query).total == 40


ENDLESS = {
    # Minutes of work for either engine: it can only end by being stopped.
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(600)",
}


def test_a_running_statement_is_stopped_by_the_engine(archive: Archive) -> None:
    """Not only between statements: the one running is interrupted (progress handler, statement_timeout)."""
    with archive.sessions() as session:
        with pytest.raises(QueryTooBroad), time_limit(session, 0.5):
            session.execute(text(ENDLESS[archive.engine.dialect.name]))
        assert session.execute(text("SELECT 1")).scalar_one() == 1


def test_a_search_within_its_deadline_answers_and_leaves_the_setting_as_it_was(many: Archive) -> None:
    with many.sessions() as session:
        postgres = many.engine.dialect.name == "postgresql"
        before = session.execute(text("SHOW statement_timeout")).scalar_one() if postgres else None
        page = search(session, SearchQuery(text="council harbour"), timeout=30)
        assert page.total == 40
        if postgres:
            assert session.execute(text("SHOW statement_timeout")).scalar_one() == before


def test_the_deadline_holds_for_searches_in_parallel(many: Archive) -> None:
    """Each thread's search has its own limit: a stopped one never stops another."""
    outcomes: list[str] = []

    def run(timeout: float | None) -> None:
        with many.sessions() as session:
            try:
                outcomes.append(f"{search(session, SearchQuery(text='council'), timeout=timeout).total}")
            except QueryTooBroad:
                outcomes.append("stopped")

    with outlasting(many) as seconds:
        threads = [threading.Thread(target=run, args=(seconds,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    free = [threading.Thread(target=run, args=(30,)) for _ in range(4)]
    for thread in free:
        thread.start()
    for thread in free:
        thread.join(30)
    assert sorted(outcomes) == ["40"] * 4 + ["stopped"] * 4


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a*", "a* is too broad"),
        ('"old t*"', "t* is too broad"),
        ("co* ha* bu* me* nu*", "too many prefix* terms (5; at most 4)"),
        ("co* OR ha* OR bu* OR me* -nu*", "too many prefix* terms"),
    ],
)
def test_broad_prefixes_are_refused_before_they_run(query: str, message: str) -> None:
    with pytest.raises(BadQuery, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        parse(query)


def test_prefixes_within_the_bounds_still_search(many: Archive) -> None:
    with many.sessions() as session:
        assert search(session, SearchQuery(text="co* ha* bu* me*")).total == 40


PLUS_14 = timezone(timedelta(hours=14))


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"published_to": date(9999, 12, 31)}, "published_to must be between"),
        ({"published_from": date(1, 1, 1)}, "published_from must be between"),
        ({"captured_from": datetime(1, 1, 1, tzinfo=PLUS_14)}, "captured_from must be between"),
        ({"captured_to": datetime(9999, 12, 31, 23, 59)}, "captured_to must be between"),
        ({"author": "\x00"}, "author must not contain control characters"),
        ({"source": "a\x00b"}, "source must not contain control characters"),
        ({"domain": "\x00"}, "domain must not contain control characters"),
        ({"language": "e\x00n"}, "language must not contain control characters"),
    ],
)
def test_filter_values_out_of_range_are_a_bad_query(many: Archive, filters: dict, message: str) -> None:
    with many.sessions() as session, pytest.raises(BadQuery, match=message):
        search(session, SearchQuery(**filters))


def test_dates_at_the_edges_of_the_range_search(many: Archive) -> None:
    with many.sessions() as session:
        wide = SearchQuery(
            published_from=date(1000, 1, 1),
            published_to=date(9998, 12, 31),
            captured_from=datetime(1000, 1, 1, tzinfo=PLUS_14),
            captured_to=datetime(9998, 12, 31, 23, 59, tzinfo=UTC),
        )
        assert search(session, wide).total == 40
