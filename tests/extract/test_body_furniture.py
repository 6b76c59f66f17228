"""Reader calls to action and teaser labels between paragraphs are dropped as whole lines only."""

from __future__ import annotations

import pytest

from crawler.extract.boilerplate import is_furniture


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
