"""The query language: translation is safe for any input; only BadQuery ever escapes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.storage.archive import Archive
from newsarchive.storage.research.search.query import BadQuery, SearchQuery, search
from newsarchive.storage.research.search.syntax import MAX_QUERY_CHARS, Term, parse, to_fts5, to_pg_tsquery
from tests.research.conftest import capture

# Engine syntax, quotes, operators, control characters, scripts with combining marks.
NASTY = st.lists(
    st.sampled_from(list("\"*-()^:+~'\\{}[]<>!&|%_ \t\n\x00éß漢字हिन्दी🙂") + [" OR ", "AND", "NOT", "NEAR"]),
    max_size=40,
).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=80), NASTY)


def test_parse_groups_or_exclusions_and_prefixes() -> None:
    query = parse('council "old town" floods OR storms -rain budg* -"city hall"')
    assert query.groups == (
        (Term("council"),),
        (Term("old town", phrase=True),),
        (Term("floods"), Term("storms")),
        (Term("budg", prefix=True),),
    )
    assert query.excluded == (Term("rain"), Term("city hall", phrase=True))


def test_lowercase_or_is_a_word_and_dangling_or_is_ignored() -> None:
    assert parse("war or peace").groups == ((Term("war"),), (Term("or"),), (Term("peace"),))
    assert parse("OR peace OR").groups == ((Term("peace"),),)


def test_fts5_translation_quotes_every_term() -> None:
    assert to_fts5(parse('a "b c" d OR e -f gh*')) == '("a" AND "b c" AND ("d" OR "e") AND "gh" *) NOT ("f")'
    assert to_fts5(parse("NEAR(x y) col:z")) == '"NEAR(x" AND "y)" AND "col:z"'


def test_pg_translation_binds_every_term() -> None:
    sql, params = to_pg_tsquery(parse('it\'s -"a b" ca*'))
    assert "it's" not in sql and params["q0"] == '"it\'s"' and params["q1"] == "'ca':*"
    assert "!!websearch_to_tsquery('simple', :q2)" in sql


@given(ANY_TEXT)
@settings(max_examples=300, deadline=None)
def test_parse_raises_nothing_but_bad_query(text: str) -> None:
    try:
        query = parse(text)
    except BadQuery as exc:
        assert "\n" not in str(exc)
        return
    assert query.groups and '"' not in "".join(t.text for g in query.groups for t in g)
    to_fts5(query)
    to_pg_tsquery(query)


def test_huge_input_is_refused_before_any_work() -> None:
    with pytest.raises(BadQuery, match="too long"):
        parse('"' * (MAX_QUERY_CHARS + 1))


@given(text=ANY_TEXT)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_search_never_raises_anything_but_bad_query(archive: Archive, text: str) -> None:
    with archive.sessions() as session:
        try:
            page = search(session, SearchQuery(text=text, all_versions=True))
        except BadQuery:
            return
    assert page.total >= 0


@pytest.fixture
def archive(archive: Archive) -> Archive:
    capture(
        archive, "https://news.example.com/a.html", title="NEAR AND OR", text="café 漢字 हिन्दी it's e-mail"
    )
    return archive
