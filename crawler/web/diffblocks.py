"""A field's diff as paragraph rows for the side-by-side view, with long unchanged runs folded.

The word-level runs (newsarchive.crawler.web.diffview) are cut at the paragraph breaks of
unchanged text, so each row holds one paragraph of the old side beside the
same paragraph of the new side. A run of unchanged rows longer than the
context around each change is folded into one `<details>` block: a
seven-word edit in paragraph forty is then on the first screen, with the
paragraphs before it one click away.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsarchive.crawler.web.diffview import OpSides
from newsarchive.storage.write.versions import DiffOp

CONTEXT = 1  # unchanged paragraphs kept open on each side of a change
MIN_FOLD = 2  # a fold hides at least this many paragraphs (hiding one saves nothing)


@dataclass(frozen=True)
class Row(OpSides):
    ops: list[DiffOp]


@dataclass(frozen=True)
class Block:
    """Rows shown open, or folded away (`folded`: unchanged paragraphs behind an expand control)."""

    rows: list[Row] = field(default_factory=list)
    folded: bool = False


def rows(ops: list[DiffOp]) -> list[Row]:
    """The runs cut into paragraph rows at every line break inside unchanged text."""
    found: list[Row] = []
    current: list[DiffOp] = []
    for op in ops:
        if op.op != "equal" or "\n" not in op.text:
            current.append(op)
            continue
        pieces = op.text.split("\n")
        for index, piece in enumerate(pieces):
            if piece:
                current.append(DiffOp("equal", piece))
            if index < len(pieces) - 1:
                # A blank line between paragraphs is not a paragraph of its own.
                if current:
                    found.append(Row(current))
                current = []
    if current:
        found.append(Row(current))
    return found


def blocks(ops: list[DiffOp], context: int = CONTEXT) -> list[Block]:
    """Open blocks around the changes, folded blocks for the unchanged runs between them."""
    all_rows = rows(ops)
    keep = [False] * len(all_rows)
    for index, row in enumerate(all_rows):
        if row.changed:
            for near in range(max(0, index - context), min(len(all_rows), index + context + 1)):
                keep[near] = True
    result: list[Block] = []
    index = 0
    while index < len(all_rows):
        end = index
        while end < len(all_rows) and keep[end] == keep[index]:
            end += 1
        run = all_rows[index:end]
        folded = not keep[index] and len(run) >= MIN_FOLD
        if result and not result[-1].folded and not folded:
            result[-1].rows.extend(run)
        else:
            result.append(Block(list(run), folded))
        index = end
    return result
