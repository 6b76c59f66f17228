"""Search behaviour, on SQLite (FTS5) and PostgreSQL (tsvector): same queries, same answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.research.search.query import BadQuery, SearchQuery, search
from tests.research.conftest import BUDGET, FLOOD, MARKET, RECIPE, T0, capture


def urls(archive: Archive, **options: object) -> list[str]:
    with archive.sessions() as session:
        return [hit.url for hit in search(session, SearchQuery(**options)).hits]


def test_words_must_all_match(filled: Archive) -> None:
    assert urls(filled, text="council budget") == [BUDGET]
    assert urls(filled, text="council flood") == []


def test_latest_versions_by_default_all_versions_on_request(filled: Archive) -> None:
    assert urls(filled, text="approves") == []
    with filled.sessions() as session:
        page = search(session, SearchQuery(text="approves", all_versions=True))
    assert [(h.url, h.version, h.versions) for h in page.hits] == [(BUDGET, 1, 2)]


def test_phrase_or_exclusion_and_prefix(filled: Archive) -> None:
    assert urls(filled, text='"two to seven"') == [BUDGET]
    assert urls(filled, text='"seven two"') == []
    assert set(urls(filled, text="floods OR tumble")) == {FLOOD, MARKET}
    assert set(urls(filled, text="budget -council")) == {MARKET}
    assert set(urls(filled, text="semicond*")) == {MARKET}
    assert set(urls(filled, text='"old to*"')) == {FLOOD}


def test_title_authors_and_captions_are_searched(filled: Archive) -> None:
    assert urls(filled, text="tumble") == [MARKET]
    assert set(urls(filled, text="park")) == {FLOOD}
    assert urls(filled, text="chamber", all_versions=True) == [BUDGET]


def test_unicode_hyphens_and_case(filled: Archive) -> None:
    assert urls(filled, text="CAFÉ") == [RECIPE]
    assert urls(filled, text="e-mail") == [RECIPE]
    assert urls(filled, text="müller") == [MARKET]


def test_relevance_puts_the_headline_match_first(filled: Archive) -> None:
    # "budget" is in the budget story's headline, only in the market story's body.
    with filled.sessions() as session:
        page = search(session, SearchQuery(text="budget"))
    assert [h.url for h in page.hits] == [BUDGET, MARKET]
    assert page.hits[0].score is not None and page.hits[0].score > page.hits[1].score


def test_sort_by_date_uses_published_then_first_seen(filled: Archive) -> None:
    # RECIPE has no published date: first seen (2026-03-05) stands in for it.
    assert urls(filled, sort="date") == [RECIPE, MARKET, FLOOD, BUDGET]
    assert urls(filled, text="budget", sort="date") == [MARKET, BUDGET]


def test_filters(filled: Archive) -> None:
    assert set(urls(filled, source="markets")) == {MARKET, RECIPE}
    assert set(urls(filled, domain="NEWS.example.com")) == {BUDGET, FLOOD}
    assert urls(filled, language="de") == [MARKET]
    assert urls(filled, author="karin") == [MARKET]
    assert urls(filled, author="lee") == [FLOOD]
    assert urls(filled, author="100%") == []
    assert urls(filled, changed=True) == [BUDGET]
    assert set(urls(filled, published_from=date(2026, 3, 3), published_to=date(2026, 3, 4))) == {
        FLOOD,
        MARKET,
    }
    assert urls(filled, published_to=date(2026, 3, 2)) == [BUDGET]
    captured = urls(filled, captured_from=datetime(2026, 3, 5), captured_to=datetime(2026, 3, 6, tzinfo=UTC))
    assert captured == [RECIPE]


def test_captured_range_means_the_version_was_on_the_page(filled: Archive) -> None:
    # Version 1 of the budget story was seen only at 09:00; version 2 from 12:00.
    window = {"captured_from": T0, "captured_to": T0.replace(hour=10)}
    assert urls(filled, text="budget", **window) == []
    assert urls(filled, text="budget", all_versions=True, **window) == [BUDGET]


def test_pagination_and_total(filled: Archive) -> None:
    with filled.sessions() as session:
        first = search(session, SearchQuery(sort="date", limit=2))
        second = search(session, SearchQuery(sort="date", limit=2, offset=2))
        beyond = search(session, SearchQuery(sort="date", limit=2, offset=10))
    assert (first.total, second.total, beyond.total) == (4, 4, 4)
    assert [h.url for h in first.hits + second.hits] == [RECIPE, MARKET, FLOOD, BUDGET]
    assert beyond.hits == []


def test_hit_fields_and_snippet(filled: Archive) -> None:
    long_text = "Filler words here. " * 40 + "The harbour crane collapsed at dawn. " + "More filler. " * 40
    capture(
        filled, "https://news.example.com/crane.html", title="Crane", text=long_text, published="2026-03-09"
    )
    with filled.sessions() as session:
        [hit] = search(session, SearchQuery(text="harbour")).hits
    data = hit.to_dict()
    assert data["url"] == "https://news.example.com/crane.html" and data["version"] == 1
    assert "harbour crane collapsed" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…") and len(hit.snippet) < 260
    assert data["first_seen"] == T0.isoformat() and data["authors"] == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"text": "x" * 501}, "too long"),
        ({"text": "-budget"}, "only excludes"),
        ({"text": '"" OR * -'}, "no words"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"offset": -1}, "offset"),
        ({"sort": "random"}, "sort"),
        ({"published_from": date(2026, 3, 5), "published_to": date(2026, 3, 1)}, "ends before"),
    ],
)
def test_bad_queries_get_a_one_line_reason(filled: Archive, options: dict, message: str) -> None:
    with filled.sessions() as session, pytest.raises(BadQuery, match=message) as caught:
        search(session, SearchQuery(**options))
    assert "\n" not in str(caught.value)


def test_index_follows_edits_and_deletes(filled: Archive) -> None:
    from sqlalchemy import delete, update

    from newsarchive.storage.models import Article, Version

    with filled.sessions() as session, session.begin():
        session.execute(
            update(Version).where(Version.title == "Chip shares tumble").values(title="Chips slide")
        )
    assert urls(filled, text="tumble") == []
    assert urls(filled, text="slide") == [MARKET]
    with filled.sessions() as session, session.begin():
        session.execute(delete(Article).where(Article.canonical_url == FLOOD))
    assert urls(filled, text="floods") == []
    assert urls(filled, text="evacuated", all_versions=True) == []


def test_relevance_ranks_only_the_newest_candidates(filled: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsarchive.storage.research.search import postgres as search_postgres
    from newsarchive.storage.research.search import sqlite as search_sqlite

    with filled.sessions() as session:
        whole = search(session, SearchQuery(text="budget", limit=1))
        engine = search_sqlite if session.get_bind().dialect.name == "sqlite" else search_postgres
        monkeypatch.setattr(engine, "RANK_CANDIDATES", 1)
        page = search(session, SearchQuery(text="budget", limit=1))
        by_date = search(session, SearchQuery(text="budget", limit=1, sort="date"))
        deeper = search(session, SearchQuery(text="budget", limit=1, offset=1))
    # The budget story is more relevant, but only the newest match was ranked;
    # the count is exact, relevance pages end with the candidates, and the page says so.
    assert page.total == 2 and [h.url for h in page.hits] == [MARKET]
    assert page.next_cursor is None and page.ranked == 1
    assert whole.hits[0].url == BUDGET and whole.ranked is None
    # By date every match is reached; an offset ranks as deep as it reads.
    assert by_date.ranked is None and by_date.next_cursor is not None
    assert deeper.ranked is None and len(deeper.hits) == 1


def test_sqlite_filters_never_read_the_article_text(filled: Archive) -> None:
    from sqlalchemy import text
    from sqlalchemy.dialects import sqlite

    from newsarchive.storage.research.search.query import select_versions

    with filled.sessions() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("SQLite's covering index")
        # With statistics (ANALYZE, or PRAGMA optimize) SQLite sees how wide the rows are.
        session.execute(text("ANALYZE"))
        stmt, _, _ = select_versions(session, SearchQuery(text="budget", published_from=date(2026, 3, 1)))
        sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(row[3] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    # Candidates are checked in the narrow index, not in rows that carry the text.
    assert "versions USING COVERING INDEX ix_versions_" in plan, plan
