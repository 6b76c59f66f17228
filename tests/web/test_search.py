"""GET /articles and the search page: query parameters mapped to newsarchive.storage.research.search.query."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import URL, Seeded


def ids(client: TestClient, **params: object) -> list[tuple[int, int]]:
    response = client.get("/articles", params=params)
    assert response.status_code == 200, response.text
    return [(hit["article_id"], hit["version"]) for hit in response.json()["hits"]]


def test_text_search_finds_the_latest_version(client: TestClient, seeded: Seeded) -> None:
    data = client.get("/articles", params={"q": "rejected"}).json()
    assert (data["total"], data["limit"], data["offset"]) == (1, 20, 0)
    [hit] = data["hits"]
    assert (hit["article_id"], hit["version"], hit["versions"], hit["url"]) == (seeded.budget, 2, 2, URL)
    assert "rejected" in hit["snippet"] and hit["score"] is not None


def test_all_versions_finds_words_an_edit_removed(client: TestClient, seeded: Seeded) -> None:
    assert ids(client, q="approved") == []
    assert ids(client, q="approved", all_versions="true") == [(seeded.budget, 1)]


def test_filters(client: TestClient, seeded: Seeded) -> None:
    both = {seeded.budget, seeded.xss}
    assert {a for a, _ in ids(client)} == both
    assert ids(client, changed="true") == [(seeded.budget, 2)]
    assert {a for a, _ in ids(client, domain="news.example.com", language="en")} == both
    assert ids(client, author="ruiz") == [(seeded.budget, 2)]
    assert {a for a, _ in ids(client, published_from="2026-03-01", published_to="2026-03-01")} == both
    assert ids(client, published_from="2026-03-02") == []
    # Naive datetimes are taken as UTC; v2 of the budget was seen from 15:00 on 1 March.
    assert ids(client, captured_from="2026-03-02T00:00:00") == [(seeded.xss, 1)]
    assert ids(client, captured_to="2026-03-01T16:00:00Z") == [(seeded.budget, 2)]


def test_sort_and_pagination(client: TestClient, seeded: Seeded) -> None:
    assert ids(client, sort="date") == [(seeded.xss, 1), (seeded.budget, 2)]
    second = client.get("/articles", params={"sort": "date", "limit": 1, "offset": 1}).json()
    assert (second["total"], second["limit"], second["offset"]) == (2, 1, 1)
    assert [h["article_id"] for h in second["hits"]] == [seeded.budget]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "-sport"}, "only excludes words"),
        ({"published_from": "2026-03-05", "published_to": "2026-03-01"}, "ends before it starts"),
        ({"q": " ".join(f"w{i}" for i in range(40))}, "too many terms"),
    ],
)
def test_queries_the_search_cannot_run_are_400(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    response = client.get("/articles", params=params)
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1001},
        {"offset": -1},
        {"offset": 10**12},
        {"sort": "random"},
        {"published_from": "yesterday"},
        {"captured_to": "2026-13-01T00:00"},
        {"changed": "maybe"},
        {"q": "x" * 501},
    ],
)
def test_invalid_parameters_are_422(client: TestClient, params: dict[str, object]) -> None:
    response = client.get("/articles", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["msg"]


def test_search_page_lists_hits_with_escaped_titles(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/").text  # no query: the newest articles
    assert "2 articles" in html
    assert f'<a href="/web/articles/{seeded.budget}">Council rejects budget</a>' in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html and "<script>" not in html
    assert f'href="/web/articles/{seeded.budget}/diff">latest changes</a>' in html


def test_search_page_keeps_filters_in_pagination_links(client: TestClient, seeded: Seeded) -> None:
    # A form submits every field, empty ones as "".
    form = {
        "q": "",
        "source": "",
        "domain": "news.example.com",
        "published_from": "",
        "limit": "1",
        "sort": "date",
    }
    html = client.get("/", params=form).text
    assert "1–1 of 2 articles" in html
    [link] = re.findall(r'<a rel="next" href="([^"]+)"', html)
    # The next page is a cursor (keyset) link: stable while a crawl adds articles.
    assert (
        "domain=news.example.com" in link and "limit=1" in link and "cursor=" in link and "offset" not in link
    )
    assert 'rel="prev"' not in html
    page2 = client.get(link.replace("&amp;", "&")).text
    assert "1 more of 2 articles" in page2 and 'rel="next"' not in page2
    assert 'value="news.example.com"' in page2  # the form shows the filter in use
    # Offset links still work, with a way back.
    by_offset = client.get("/", params={**form, "offset": "1"}).text
    assert "2–2 of 2 articles" in by_offset and 'rel="prev"' in by_offset and 'rel="next"' not in by_offset


def test_api_pages_by_cursor_and_says_whether_the_total_is_exact(client: TestClient, seeded: Seeded) -> None:
    first = client.get("/articles", params={"sort": "date", "limit": 1}).json()
    assert (first["total"], first["total_exact"]) == (2, True) and first["next_cursor"]
    second = client.get(
        "/articles", params={"sort": "date", "limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert [h["article_id"] for h in first["hits"] + second["hits"]] == [seeded.xss, seeded.budget]
    assert second["next_cursor"] is None
    bad = client.get("/articles", params={"cursor": "nonsense"})
    assert bad.status_code == 400 and "cursor" in bad.json()["detail"]
    both = client.get("/articles", params={"cursor": first["next_cursor"], "offset": 1})
    assert both.status_code == 400 and "not both" in both.json()["detail"]


def test_search_page_reports_bad_input_as_400_html(client: TestClient) -> None:
    bad_date = client.get("/", params={"published_from": "soon"})
    assert (
        bad_date.status_code == 400 and "published_from" in bad_date.text and 'role="alert"' in bad_date.text
    )
    bad_query = client.get("/", params={"q": "-sport"})
    assert bad_query.status_code == 400 and "only excludes words" in bad_query.text
    nothing = client.get("/", params={"q": "zebra"})
    assert nothing.status_code == 200 and "No articles found" in nothing.text


def test_search_page_names_an_unknown_source_or_domain(client: TestClient, seeded: Seeded) -> None:
    unknown = client.get("/", params={"q": "budget", "domain": "nosuch.example"})
    assert unknown.status_code == 400 and 'role="alert"' in unknown.text
    assert "no domain named &#39;nosuch.example&#39;" in unknown.text and "news.example.com" in unknown.text
    known = client.get("/", params={"q": "budget", "domain": "news.example.com"})
    assert known.status_code == 200 and "No articles found" not in known.text


def test_search_page_accepts_what_date_inputs_send(client: TestClient, seeded: Seeded) -> None:
    # <input type="datetime-local"> sends minutes, no seconds, no zone (taken as UTC).
    html = client.get("/", params={"captured_from": "2026-03-02T00:00", "changed": "true"}).text
    assert "No articles found" in html
    html = client.get("/", params={"captured_from": "2026-03-01T14:30", "published_to": "2026-03-01"}).text
    assert "1–2 of 2 articles" in html
    assert 'name="captured_from" type="datetime-local" value="2026-03-01T14:30"' in html


def test_api_and_page_say_when_relevance_ranked_only_the_newest(
    client: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsarchive.storage.research.search import postgres, sqlite

    params = {"q": "council", "all_versions": "true", "limit": 1}
    assert client.get("/articles", params=params).json()["ranked"] is None
    for engine in (sqlite, postgres):
        monkeypatch.setattr(engine, "RANK_CANDIDATES", 1)
    data = client.get("/articles", params=params).json()
    assert (data["total"], data["ranked"], len(data["hits"])) == (
        3,
        1,
        1,
    )  # three versions mention the council
    assert (
        "among the newest 1 matches (sort by date to see every match)" in client.get("/", params=params).text
    )
    assert client.get("/articles", params={**params, "sort": "date"}).json()["ranked"] is None


def test_search_page_says_more_than_when_the_count_was_capped(
    client: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsarchive.storage.research.search import query

    monkeypatch.setattr(query, "COUNT_CAP", 1)
    html = client.get("/", params={"sort": "date", "limit": "1"}).text
    assert "1–1 of more than 1 articles" in html and 'rel="next"' in html
    data = client.get("/articles", params={"sort": "date", "limit": 1}).json()
    assert (data["total"], data["total_exact"]) == (1, False) and data["next_cursor"]
