"""Faults seen on real pages while trying the product (issue 19), each fixed by a general signal.

Whole pages go through extract_article: the fault is what a reader of the
archive saw, so the test is at that boundary, not at the helper.
"""

from __future__ import annotations

import pytest

from newsarchive.crawler.extract import extract_article
from newsarchive.crawler.extract.body.boilerplate import is_furniture

URL = "https://news.example.com/2026/03/02/ferry.html"
PARAGRAPHS = [
    f"Paragraph {i} of the council report: the harbour authority said the new ferry timetable, agreed "
    "after months of talks with residents and the operator, would start in the spring."
    for i in range(6)
]


def _page(body: str, head: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Ferry timetable agreed</title>"
        f"{head}</head><body>{body}</body></html>"
    )


def test_powered_by_and_ad_labels_in_caption_slots_are_not_captions() -> None:
    figures = (
        "<figure><img src='/a.jpg'><figcaption>The new ferry at the harbour wall on Monday. "
        "Photo: Jane Doe</figcaption></figure>"
        "<figure class='widget'><img src='/logo.png'><figcaption>Powered by Taboola</figcaption></figure>"
        "<figure><img src='/ad.gif'><figcaption>Advertisement</figcaption></figure>"
    )
    body = "<article><h1>Ferry timetable agreed</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    article = extract_article(_page(body + figures + "</article>"), URL)
    assert [c.caption for c in article.captions] == ["The new ferry at the harbour wall on Monday."]
    assert article.captions[0].credit == "Jane Doe"


def test_a_caption_that_starts_like_a_label_but_is_a_sentence_stays() -> None:
    figure = (
        "<figure><img src='/t.jpg'><figcaption>Powered by wind: the turbines off the coast will supply "
        "300,000 homes from next year.</figcaption></figure>"
    )
    body = "<article><h1>Ferry timetable agreed</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    article = extract_article(_page(body + figure + "</article>"), URL)
    assert [c.caption for c in article.captions] == [
        "Powered by wind: the turbines off the coast will supply 300,000 homes from next year."
    ]


def test_story_continues_below_markers_inside_a_body_are_dropped() -> None:
    marker = (
        "<div class='ad'><span>Advertisement</span><span class='embed-more-topic'>embed-more-topic</span>"
        "<p>Story continues below</p></div>"
    )
    paragraphs = [f"<p>{p}</p>" for p in PARAGRAPHS]
    body = "<article><h1>Ferry timetable agreed</h1>" + "".join(paragraphs[:3]) + marker
    article = extract_article(_page(body + "".join(paragraphs[3:]) + "</article>"), URL)
    assert "continues below" not in article.text.lower()
    assert all(p in article.text for p in PARAGRAPHS)


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement embed-more-topicStory continues below",
        "Story continues below advertisement",
        "ARTICLE CONTINUES BELOW",
        "Der Artikel wird nach der Anzeige fortgesetzt",
        "La suite après la publicité",
    ],
)
def test_continues_below_lines_are_furniture(line: str) -> None:
    assert is_furniture(line)


def test_a_sentence_about_a_story_continuing_is_kept() -> None:
    assert not is_furniture(
        "The story continues below the surface of the lake, where divers found the wreck in 1998 "
        "and brought up the ship's bell."
    )


def test_the_section_label_and_headline_repeated_at_the_start_of_a_body_are_dropped() -> None:
    body = (
        "<article><span class='section'>Politics</span>"
        "<h1>Ferry timetable agreed</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article>"
    )
    article = extract_article(_page(body), URL)
    assert article.text.startswith(PARAGRAPHS[0]), article.text[:200]


def test_a_short_first_line_without_the_headline_after_it_is_kept() -> None:
    body = (
        "<article><h1>Ferry timetable agreed</h1><p>Breaking news</p>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</article>"
    )
    assert extract_article(_page(body), URL).text.startswith("Breaking news")
