"""Headline text with line breaks as word boundaries (titles/heading_text.py)."""

from __future__ import annotations

import pytest
from lxml.html import fromstring

from newsarchive.crawler.extract import extract_article
from newsarchive.crawler.extract.titles.heading_text import heading_text
from newsarchive.crawler.extract.titles.headline import h1_texts


@pytest.mark.parametrize(
    ("markup", "want"),
    [
        # A headline set on two lines: the break is a word boundary.
        (
            "<h1>Top Programs of 2025<br>Your Guide to the Best Schools</h1>",
            "Top Programs of 2025 Your Guide to the Best Schools",
        ),
        ("<h1>WEEKEND<br>CODING<br> <span>AGENT</span></h1>", "WEEKEND CODING AGENT"),
        # A kicker in its own block.
        (
            "<h1><div>Budget 2026</div>Council keeps the library open</h1>",
            "Budget 2026 Council keeps the library open",
        ),
        # Stays as is: inline elements join without a space ("Kohberger's").
        ("<h1>Kohberger<em>'s</em> lawyers <span>agree</span></h1>", "Kohberger's lawyers agree"),
        # Stays as is: a block kicker then a hidden ": " reads "Kicker: Headline", not "Kicker : Headline".
        (
            '<h1><div><span>Budget 2026</span></div><span class="visually-hidden">: </span><span>Library open</span></h1>',
            "Budget 2026: Library open",
        ),
        # Comments inside the heading are not text, their tails are.
        ("<h1>Library<!-- x --> stays open</h1>", "Library stays open"),
    ],
)
def test_heading_text(markup, want):
    found, _ = h1_texts(fromstring(f"<html><body>{markup}</body></html>"))
    assert found == [want]


def test_heading_text_leaves_the_tree_alone():
    node = fromstring("<h1>One<br>Two</h1>")
    heading_text(node)
    assert node.text_content() == "OneTwo"


def test_a_two_line_h1_is_the_title_with_a_space():
    html = (
        "<html><head><title>Top Programs of 2025 | Daily</title></head><body><article>"
        "<h1>Top Programs of 2025<br>Your Guide to the Best Schools</h1>"
        f"<p>{'Some words of the story. ' * 40}</p></article></body></html>"
    )
    article = extract_article(html.encode(), "https://daily.example/a")
    assert article.title == "Top Programs of 2025 Your Guide to the Best Schools"
