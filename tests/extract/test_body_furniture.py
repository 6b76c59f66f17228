"""Reader calls to action and teaser labels between paragraphs are dropped as whole lines only."""

from __future__ import annotations

import pytest

from newsarchive.crawler.extract.body.boilerplate import is_furniture


@pytest.mark.parametrize(
    "line",
    [
        "Get the latest news right in your inbox. Subscribe to Example Daily’s newsletters.",
        "Sign up now to get our weekly newsletter delivered to your inbox!",
        "Have a tip? Jane Doe may be reached at jdoe@example.com. Follow her on Twitter.",
        "Like this story? Share it with a friend!",
        "Tell us what YOU think...",
        "SEE MORE: Storm closes the coastal road for a second day",
        "DON’T MISS",
    ],
)
def test_calls_to_action_are_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "I also identified 28 newsletters, a small subset of the newsletters I subscribe to, as the test set.",
        "Readers who subscribe to the print edition said their inbox filled with renewal notices.",
        "We did not miss the deadline, the mayor said.",
        "Have a look at the figures: the budget grew by a tenth.",
    ],
)
def test_sentences_that_mention_them_are_kept(line: str) -> None:
    assert not is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "segunda-feira, 22 de janeiro de 2018 às 0:13",
        "Monday, November 18, 2019",
        "|  | January 22nd, 2019 |",
        "18. März 2024, 14:30 Uhr",
    ],
)
def test_a_line_that_is_only_a_date_stamp_is_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "July 15, 1960:",
        "On January 22, 2019 the court ruled.",
        "(Published Monday, Nov. 18, 2019)",
        "January 2019",
    ],
)
def test_timeline_labels_and_sentences_with_dates_are_kept(line: str) -> None:
    assert not is_furniture(line)


def test_hover_card_inside_a_sentence_is_pruned_but_the_sentence_stays() -> None:
    from lxml.html import fromstring

    from newsarchive.crawler.extract.body.boilerplate import prune_widgets

    tree = fromstring(
        "<html><body><article><p>The mayor thanked <a href='/people/jane-doe'>Jane Doe</a>"
        "<span class='card'><span><img src='/jd.jpg'><a href='/people/jane-doe'>Jane Doe</a>"
        "<a href='/story/1'>Council passes the budget after a long night</a></span></span>"
        " for her work on the budget.</p>"
        "<p><span>A sentence with a picture <img src='/x.png'> that links <a href='/a'>here</a>"
        " and <a href='/b'>there</a> is prose.</span></p></article></body></html>"
    )
    prune_widgets(tree)
    first, second = (" ".join(p.text_content().split()) for p in tree.iter("p"))
    assert first == "The mayor thanked Jane Doe for her work on the budget."
    assert "is prose" in second
