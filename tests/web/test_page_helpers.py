"""The pure helpers behind the pages: paragraph rows and folds, marked words, URL or words."""

from __future__ import annotations

import pytest

from newsarchive.crawler.web.diffblocks import blocks, rows
from newsarchive.crawler.web.highlight import marked, query_words
from newsarchive.crawler.web.lookup import as_url
from newsarchive.storage.write.versions import DiffOp


def _ops(paragraphs: int, changed: int) -> list[DiffOp]:
    before = "\n".join(f"p{n} text" for n in range(1, changed)) + "\n"
    after = "\n" + "\n".join(f"p{n} text" for n in range(changed + 1, paragraphs + 1))
    return [
        DiffOp("equal", before + f"p{changed} "),
        DiffOp("delete", "old"),
        DiffOp("insert", "new"),
        DiffOp("equal", after),
    ]


def test_rows_cut_at_paragraph_breaks_and_rebuild_both_sides() -> None:
    ops = _ops(5, 3)
    found = rows(ops)
    assert len(found) == 5 and [r.changed for r in found] == [False, False, True, False, False]
    old = "\n".join("".join(op.text for op in r.old_side) for r in found)
    new = "\n".join("".join(op.text for op in r.new_side) for r in found)
    assert old == "".join(op.text for op in ops if op.op != "insert")
    assert new == "".join(op.text for op in ops if op.op != "delete")


def test_long_unchanged_runs_fold_and_context_stays_open() -> None:
    folded = blocks(_ops(60, 50))
    assert [(b.folded, len(b.rows)) for b in folded] == [(True, 48), (False, 3), (True, 9)]
    # A single unchanged paragraph is not worth a fold; nothing at all changed folds whole.
    assert [b.folded for b in blocks(_ops(3, 2))] == [False]
    assert [(b.folded, len(b.rows)) for b in blocks([DiffOp("equal", "a\nb\nc")])] == [(True, 3)]
    assert blocks([]) == []


def test_marked_words_are_whole_words_starting_with_a_query_word() -> None:
    words = query_words('budget "city hall" -sport')
    assert set(words) == {"budget", "city", "hall"}
    assert marked("Budgets: the city's hall, not sport or rebudget.", words) == [
        ("Budgets", True),
        (": the ", False),
        ("city", True),
        ("'s ", False),
        ("hall", True),
        (", not sport or rebudget.", False),
    ]
    assert marked("<b>budget</b>", ["budget"]) == [("<b>", False), ("budget", True), ("</b>", False)]
    assert query_words('"') == [] and query_words(None) == []


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("https://example.com/a b", None),
        (" https://example.com/a?x=1 ", "https://example.com/a?x=1"),
        ("HTTP://Example.com/", "HTTP://Example.com/"),
        ("www.example.com/story", "https://www.example.com/story"),
        ("example.com budget", None),
        ("javascript:alert(1)", None),
        ("ftp://example.com/x", None),
        ("budget", None),
    ],
)
def test_only_plain_urls_are_looked_up(typed: str, url: str | None) -> None:
    assert as_url(typed) == url
