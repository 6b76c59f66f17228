"""The pages a researcher works in: search that marks its words, look-up by URL, a version's text,
the folded diff, the edits feed's filters and the charts' numbers (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from newsarchive.storage.archive import Archive
from tests.web.conftest import MakeClient
from tests.web.seed_pages import EDIT_PARAGRAPH, LONG_PARAGRAPHS, LONG_URL, NEW_WORDS, PageArchive, seed


@pytest.fixture
def seeded_pages(archive: Archive) -> PageArchive:
    return seed(archive)


@pytest.fixture
def web(make_client: MakeClient, seeded_pages: PageArchive) -> TestClient:
    return make_client()


def test_search_marks_the_matched_words_and_keeps_markup_out(web: TestClient) -> None:
    html = web.get("/", params={"q": "harbour"}).text
    assert "<mark>Harbour</mark> news" in html  # titles, any case
    assert re.search(r'class="snippet">[^<]*<mark>harbour</mark>', html)
    # Filters are folded away (a closed <details>), and say which are on.
    assert re.search(r'<details class="filters">\s*<summary>Filters and order</summary>', html)
    html = web.get("/", params={"q": "harbour", "source": "daily"}).text
    assert 'Filters and order: <span class="active">source daily</span>' in html


def _titles(html: str) -> list[str]:
    found = re.findall(r'<h3><a href="/web/articles/\d+">(.*?)</a></h3>', html)
    return [re.sub(r"</?mark>", "", title) for title in found]


def test_the_order_shown_is_the_order_used(web: TestClient) -> None:
    ranked = web.get("/", params={"q": "budget"}).text
    assert '<option value="" selected>best match first' in ranked and "Best match first" in ranked
    by_date = web.get("/", params={"q": "budget", "sort": "date"}).text
    assert '<option value="date" selected>' in by_date and "Newest first" in by_date
    assert 'Filters and order: <span class="active">newest first</span>' in by_date
    # Newest first is the last day's stories (published 2026-03-10), whatever their rank.
    assert _titles(by_date) != _titles(ranked)
    assert all(re.search(r"\b10\b", title) for title in _titles(by_date)[:3])
    # Without words there is nothing to rank: the results line says newest first, whatever was
    # asked, and a search typed into that form is ranked (the form does not carry "date" along).
    for params in ({}, {"sort": "relevance"}):
        html = web.get("/", params=params).text
        assert "Newest first" in html and "Best match first" not in html
        assert '<option value="" selected>' in html


def test_a_url_in_the_search_box_opens_its_article(web: TestClient, seeded_pages: PageArchive) -> None:
    found = web.get("/", params={"q": f"  {LONG_URL} "}, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == f"/web/articles/{seeded_pages.long}"
    missing = web.get("/", params={"q": "https://daily.example.com/never.html"})
    assert missing.status_code == 404
    assert "Not in the archive" in missing.text and "https://daily.example.com/never.html" in missing.text
    assert "Capture over HTTP is off" in missing.text and 'action="/web/capture"' not in missing.text
    # Words that merely contain a dot stay a search.
    assert web.get("/", params={"q": "example.com budget"}).status_code == 200


def test_an_unknown_url_offers_a_capture_when_capture_is_on(
    make_client: MakeClient, seeded_pages: PageArchive
) -> None:
    html = make_client(capture_token="t" * 24).get("/", params={"q": "www.daily.example.com/new.html"}).text
    assert 'action="/web/capture"' in html
    assert 'name="url" value="https://www.daily.example.com/new.html"' in html


def test_a_version_has_a_full_text_page(web: TestClient, seeded_pages: PageArchive) -> None:
    html = web.get(f"/web/articles/{seeded_pages.many}/versions/3").text
    assert "<h1>Storm reaches the coast: update 3</h1>" in html
    assert "Wind speeds rose to 100 km/h." in html
    assert f'href="/web/articles/{seeded_pages.many}/versions/2"' in html
    assert f'href="/web/articles/{seeded_pages.many}/versions/4"' in html
    assert web.get(f"/web/articles/{seeded_pages.many}/versions/6").status_code == 404
    assert web.get(f"/web/articles/{seeded_pages.many}/versions/x").status_code == 400


def test_the_diff_folds_unchanged_paragraphs_around_an_edit(
    web: TestClient, seeded_pages: PageArchive
) -> None:
    html = web.get(f"/web/articles/{seeded_pages.long}/diff").text
    text = html[html.index('id="field-text"') : html.index('id="field-captions"')]
    # One paragraph of context before the edited one; the 48 before that folded.
    folded = re.findall(r"Show (\d+) unchanged paragraphs", text)
    assert folded == [str(EDIT_PARAGRAPH - 2), str(LONG_PARAGRAPHS - EDIT_PARAGRAPH - 1)]
    opening = text.index("<details")
    assert "Paragraph 1 " in text[opening:]  # still in the page, behind the fold
    edit = text.index("<ins>")
    assert text.rfind("</details>", 0, edit) > opening  # the edit comes after the first fold
    assert "dissolved" in re.sub(r"<[^>]+>", "", text[edit : edit + 400])
    assert NEW_WORDS.split()[-1] in text


def test_the_edits_page_filters_by_window_and_names_unknown_sources(web: TestClient) -> None:
    everything = web.get("/web/changes").text
    first_day = web.get("/web/changes", params={"since": "2026-03-01", "until": "2026-03-01"}).text
    assert "1 edit, newest first" in first_day and "Budget talks, day 1, story 0" in first_day
    assert first_day.count("<tr>") < everything.count("<tr>")
    weekly = web.get("/web/changes", params={"source": "weekly"}).text
    assert "Storm reaches the coast" in weekly and "Harbour report" not in weekly
    unknown = web.get("/web/changes", params={"source": "nosuch"})
    assert unknown.status_code == 400 and "no source named &#39;nosuch&#39;" in unknown.text
    assert "known: daily, weekly" in unknown.text
    backwards = web.get("/web/changes", params={"since": "2026-03-05", "until": "2026-03-01"})
    assert backwards.status_code == 400 and "ends before it starts" in backwards.text


def _chart(html: str, title: str) -> str:
    """The one <svg> whose title is `title`."""
    at = html.index(f">{title}</title>")
    return html[html.rindex("<svg", 0, at) : html.index("</svg>", at)]


def test_the_charts_count_per_source_and_day(web: TestClient, seeded_pages: PageArchive) -> None:
    html = web.get("/web/charts").text
    # The default window ends on the newest article's day, not today.
    assert 'name="to" type="date" value="2026-03-10"' in html
    for source in ("daily", "weekly"):
        articles, edited = seeded_pages.archived[source], seeded_pages.edited[source]
        assert (
            f'<th scope="row" data-label="Source">{source}</th><td data-label="Articles">{articles}</td>\n'
            f'          <td data-label="Edited">{edited}</td>'
        ) in html
    assert html.count('<svg class="chart archived"') == 2 and html.count('<svg class="chart edits"') == 2
    assert html.count('role="img"') == 5  # the shares, and two charts a source
    assert re.search(r"<desc id=\"chart\d+-desc\">16 articles archived in 30 days", html)
    # 2026-03-02: daily archived two (story 0 and the harbour story), weekly one.
    assert "<title>2026-03-02: 2</title>" in _chart(html, "Articles archived per day: daily")
    assert "<title>2026-03-02: 1</title>" in _chart(html, "Articles archived per day: weekly")
    # The long report's edit (its first version was seen the same day).
    assert "<title>2026-03-05: 1</title>" in _chart(html, "Edits found per day: daily")
    # Weekly: a story edited 03-03 23:00, and the storm article's edits 9 h apart from 03-03 12:00
    # (21:00; 06:00 and 15:00 next day; 00:00 exactly on 03-05, which is 03-05's, not 03-04's).
    storm = _chart(html, "Edits found per day: weekly")
    for day, count in (("03-03", 2), ("03-04", 2), ("03-05", 1)):
        assert f"<title>2026-{day}: {count}</title>" in storm
    narrow = web.get(
        "/web/charts", params={"from": "2026-03-02", "to": "2026-03-02", "source": "weekly"}
    ).text
    assert 'role="img"' in narrow and "daily" not in narrow.split("<main", 1)[1].split("</form>", 1)[1]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2025-01-01", "to": "2026-03-10"}, "at most 366 days"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "ends (2026-03-01) before it starts"),
        ({"from": "yesterday"}, "from must be a date"),
        ({"source": "nosuch"}, "no source named"),
    ],
)
def test_the_charts_refuse_a_bad_window(web: TestClient, params: dict[str, str], message: str) -> None:
    response = web.get("/web/charts", params=params)
    assert response.status_code == 400 and message in response.text


def test_an_article_shows_its_versions_on_a_time_line(web: TestClient, seeded_pages: PageArchive) -> None:
    html = web.get(f"/web/articles/{seeded_pages.many}").text
    svg = html[html.index('<svg class="chart timeline-chart"') : html.index("</svg>") + 6]
    assert "<title" in svg and "5 versions seen between 2026-03-03 12:00 UTC" in svg
    assert svg.count('class="tick"') == 5 and svg.count("<rect") == 5
    assert all(f">v{n}</text>" in svg for n in range(1, 6))
