"""The HTML pages: timeline, diff, capture form, errors; archived markup escaped."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import URL, Seeded


def test_article_page_shows_timeline_and_both_kinds_of_time(client: TestClient, seeded: Seeded) -> None:
    response = client.get(f"/web/articles/{seeded.budget}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<h1>Council rejects budget</h1>" in html
    assert "Observed by the archive" in html and "Declared by the publisher" in html
    for label, value in [
        ("First seen", "2026-03-01 12:00 UTC"),
        ("Last seen", "2026-03-01 15:00 UTC"),
        ("Last checked", "2026-03-01 15:00 UTC"),
        ("Published", "2026-03-01"),
        ("Modified", "not declared"),
    ]:
        assert re.search(rf"<dt>{label}</dt><dd>(<time [^>]*>)?{re.escape(value)}", html), label
    assert "Versions (2)" in html
    for badge in ("first version", "headline changed", "+1 words", "−1 words"):
        assert badge in html
    assert f'href="/web/articles/{seeded.budget}/diff?from=1&amp;to=2"' in html
    assert f'href="{URL}"' in html


def test_diff_page_marks_deleted_and_inserted_words_side_by_side(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/web/articles/{seeded.budget}/diff?from=1&to=2").text
    assert re.search(r"<del><span class=\"sr-only\">\[deleted: </span>approves<span", html)
    assert re.search(r"<ins><span class=\"sr-only\">\[inserted: </span>rejects<span", html)
    assert re.search(r"<del>.*?approved.*?</del>", html) and re.search(r"<ins>.*?rejected.*?</ins>", html)
    # Three fields, one row per paragraph: the headline, the text's two paragraphs, the caption.
    assert html.count('<section class="field"') == 3
    assert html.count('class="side old"') == 4 and html.count('class="side new"') == 4
    assert 'Captions <span class="unchanged">(unchanged)</span>' in html
    assert '<option value="1" selected>v1</option>' in html


def test_archived_markup_is_escaped_everywhere(client: TestClient, seeded: Seeded) -> None:
    for path in (f"/web/articles/{seeded.xss}", f"/web/articles/{seeded.xss}/diff"):
        html = client.get(path).text
        assert "<script>" not in html and "<b>markup</b>" not in html and "<i>Eve</i>" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Mayor &amp; council" in html
        assert "<img" not in html


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/web/articles/999999", 404, "no article with id 999999"),
        ("/web/articles/abc", 404, "no article with id abc"),
        ("/web/articles/99999999999999999999", 404, "no article with id"),
        ("/web/articles/999999/diff", 404, "no article with id 999999"),
        ("/web/articles/{budget}/diff?from=9", 404, "has no version 9"),
        ("/web/articles/{budget}/diff?from=x", 400, "whole number"),
        ("/web/articles/{budget}/diff?to=-2", 400, "whole number"),
    ],
)
def test_page_errors_are_html_with_a_message(
    client: TestClient, seeded: Seeded, path: str, status: int, message: str
) -> None:
    response = client.get(path.format(budget=seeded.budget))
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text and 'role="alert"' in response.text


def test_pages_forbid_scripts_and_referrers(client: TestClient, seeded: Seeded) -> None:
    for path in (
        "/",
        f"/web/articles/{seeded.xss}",
        f"/web/articles/{seeded.xss}/diff",
        "/web/capture",
        "/web/articles/0",
    ):
        headers = client.get(path).headers
        assert "default-src 'none'" in headers["content-security-policy"]
        assert "script-src" not in headers["content-security-policy"]
        assert headers["referrer-policy"] == "no-referrer"


def test_static_stylesheet_is_served(client: TestClient) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200 and "del {" in response.text


def test_capture_form_says_when_capture_is_off(client: TestClient) -> None:
    html = client.get("/web/capture").text
    assert "Capture over HTTP is off" in html
    assert '<input id="token" name="token" type="password"' in html
    response = client.post("/web/capture", data={"url": "https://example.org/a", "token": "x"})
    assert response.status_code == 403 and "capture over HTTP is off" in response.text
