"""The bounded word diff: exact runs, white space kept, and coarser levels past the budget."""

from __future__ import annotations

import random

import pytest

from newsarchive.storage.write import bounded_diff
from newsarchive.storage.write.bounded_diff import WORK_BUDGET, diff_text
from newsarchive.storage.write.versions import change_summary

TWO_EDITS_OLD = "Keep this line.\nold words here now gone\nKeep that line.\nmore old stuff there\nEnd line."
TWO_EDITS_NEW = "Keep this line.\nnew text in place again\nKeep that line.\nmore new stuff there\nEnd line."


def rebuilds(old: str, new: str, runs: list[tuple[str, str]]) -> bool:
    return (
        "".join(t for op, t in runs if op != "insert") == old
        and "".join(t for op, t in runs if op != "delete") == new
    )


def test_a_deleted_word_takes_its_own_space_not_its_neighbours() -> None:
    diff = diff_text("Some conservative justices ruled.", "Some conservative ruled.")
    assert diff.runs == [("equal", "Some conservative "), ("delete", "justices "), ("equal", "ruled.")]


def test_an_inserted_paragraph_keeps_the_paragraph_break() -> None:
    diff = diff_text("First.\nThird.", "First.\nSecond.\nThird.")
    assert diff.runs == [("equal", "First.\n"), ("insert", "Second.\n"), ("equal", "Third.")]


def test_punctuation_is_its_own_token() -> None:
    diff = diff_text("One two three four.", "One two three four five six.")
    assert diff.runs == [("equal", "One two three four"), ("insert", " five six"), ("equal", ".")]


def test_changed_words_separated_by_single_spaces_read_as_one_change() -> None:
    diff = diff_text("a b c d", "a x y d")
    assert diff.runs == [("equal", "a "), ("delete", "b c"), ("insert", "x y"), ("equal", " d")]


@pytest.mark.parametrize(
    ("budget", "level", "runs"),
    [
        (
            1_000,
            "words",
            [
                ("equal", "Keep this line.\n"),
                ("delete", "old words here now gone"),
                ("insert", "new text in place again"),
                ("equal", "\nKeep that line.\nmore "),
                ("delete", "old"),
                ("insert", "new"),
                ("equal", " stuff there\nEnd line."),
            ],
        ),
        (
            50,
            "paragraphs",
            [
                ("equal", "Keep this line.\n"),
                ("delete", "old words here now gone\n"),
                ("insert", "new text in place again\n"),
                ("equal", "Keep that line.\n"),
                ("delete", "more old stuff there\n"),
                ("insert", "more new stuff there\n"),
                ("equal", "End line."),
            ],
        ),
        (
            10,
            "text",
            [
                ("equal", "Keep this line.\n"),
                ("delete", "old words here now gone\nKeep that line.\nmore old"),
                ("insert", "new text in place again\nKeep that line.\nmore new"),
                ("equal", " stuff there\nEnd line."),
            ],
        ),
    ],
)
def test_past_the_budget_the_diff_degrades_to_paragraphs_then_text(
    budget: int, level: str, runs: list[tuple[str, str]]
) -> None:
    diff = diff_text(TWO_EDITS_OLD, TWO_EDITS_NEW, budget=budget)
    assert (diff.level, diff.runs) == (level, runs)


def test_every_level_rebuilds_both_sides() -> None:
    rng = random.Random(7)
    words = ["alpha", "beta", "gamma", "delta", "the", ",", "."]
    for _ in range(200):
        old, new = (
            rng.choice([" ", "\n", "  "]).join(rng.choice(words) for _ in range(rng.randint(0, 40)))
            for _ in range(2)
        )
        for budget in (5, 40, 300, WORK_BUDGET):
            assert rebuilds(old, new, diff_text(old, new, budget=budget).runs)


class CountingBudget(bounded_diff._Budget):
    spent = 0

    def spend(self, units: int) -> bool:
        CountingBudget.spent += units
        return super().spend(units)


@pytest.mark.parametrize(
    "pair",
    [
        # the page: 90 paragraphs of one repeated word, then every paragraph edited
        (
            "\n".join(" ".join(["spam"] * 90) for _ in range(90)),
            "\n".join(" ".join(["spam"] * 89 + ["eggs"]) for _ in range(90)),
        ),
        (" ".join(["spam"] * 16_000), " ".join(["eggs"] * 16_000)),
        (" ".join(["a", "b"] * 8_000), " ".join(["b", "a"] * 8_000) + " c"),
    ],
    ids=["90 repeated paragraphs", "16k words replaced", "16k alternating words shifted"],
)
def test_repetitive_text_costs_at_most_three_budgets(
    monkeypatch: pytest.MonkeyPatch, pair: tuple[str, str]
) -> None:
    """difflib took 9 s on 8k repeated words and four times that per doubling; the work here is capped."""
    monkeypatch.setattr(bounded_diff, "_Budget", CountingBudget)
    CountingBudget.spent = 0
    diff = diff_text(*pair)
    assert rebuilds(*pair, diff.runs)
    # Each level may overrun its budget by one diagonal (at most the texts' length).
    assert CountingBudget.spent <= 3 * (WORK_BUDGET + len(pair[0]) + len(pair[1]))


def test_the_summary_says_when_it_counted_whole_paragraphs(monkeypatch: pytest.MonkeyPatch) -> None:
    old = {"title": "T", "text": TWO_EDITS_OLD, "authors": [], "captions": []}
    new = dict(old, text=TWO_EDITS_NEW)
    exact = change_summary(old, new)
    assert (exact["words_added"], exact["words_removed"], "diff_level" in exact) == (6, 6, False)
    coarse = change_summary(old, new, budget=50)
    assert (coarse["words_added"], coarse["words_removed"], coarse["diff_level"]) == (9, 9, "paragraphs")
