"""The page this project started from (see ../shared/examples), rebuilt as HTML."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsarchive.crawler.extract import extract_article
from tests.extract.conftest import FIXTURES

URL = "https://news.example.org/2023/06/19/blinken-beijing/"
FURNITURE = [
    "Leave a Reply",
    "Your email address will not be published",
    "Required fields are marked",
    "Back to top",
    "Post Comment",
    "Share this",
    "Biden to meet Xi later this year",
]


@pytest.fixture(scope="module")
def article():
    html = (FIXTURES / "blinken-beijing.html").read_bytes()
    return extract_article(html, URL, fetched_at=datetime(2023, 6, 20, tzinfo=UTC))


def test_title_has_no_site_suffix(article):
    assert article.title == "We will continue to use diplomacy to cooperate with Beijing"


def test_caption_with_credit_is_apart_from_text(article):
    assert [(c.caption, c.credit) for c in article.captions] == [
        ("From Blinken’s meeting with Xi Jinping", "Reuters")
    ]
    assert article.captions[0].src == "https://news.example.org/wp-content/uploads/2023/06/blinken-xi.jpg"
    assert article.captions[0].alt == "Blinken and Xi shake hands"
    assert "From Blinken’s meeting" not in article.text
    assert "Reuters" not in article.text


@pytest.mark.parametrize("snippet", FURNITURE)
def test_no_page_furniture_anywhere(article, snippet):
    fields = [article.text, article.title or "", *(c.caption for c in article.captions)]
    assert all(snippet.lower() not in field.lower() for field in fields)


def test_sub_headings_and_body_kept_in_order(article):
    lines = article.text.split("\n")
    assert "mutual respect" in lines
    assert "important visit" in lines
    assert lines.index("mutual respect") < lines.index("important visit")
    assert lines[0].startswith("After winding up a rare visit")
    assert lines[-1].startswith("Blinken then held extensive discussions with China’s chief diplomat")


def test_metadata(article):
    assert article.authors == ["Jane Example"]
    assert article.published == "2023-06-19T18:05:00+00:00"
    assert article.modified == "2023-06-20T07:30:00+00:00"
    assert article.language == "en-US"
    assert article.sitename == "The Daily Example"
    assert article.canonical_url == URL
    assert article.flags == []
