"""A word diff whose work is bounded, degrading to paragraphs and then to "text replaced".

difflib's SequenceMatcher is quadratic on repetitive text (a page of one
repeated word took minutes, inside the write transaction and in a web
request). Here the diff is Myers' O((N+M)·D) algorithm with a work budget:
every step it takes is counted, and when the budget runs out the diff is
redone a level coarser, so a diff never costs more than a few budgets:

1. words: the tokens (words, single punctuation marks, white space runs)
   between the common prefix and suffix;
2. paragraphs: the changed paragraphs, each changed block word-diffed again
   when that fits a budget of its own, else shown as paragraphs replaced;
3. text: one deletion and one insertion between the common prefix and suffix.

Tokens keep their white space: joining the runs rebuilds either side exactly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A unit is about 0.35 µs of CPython here: well under a second per level.
WORK_BUDGET = 1_000_000
# Equal stretches are compared this many tokens at a time (one C-level slice
# comparison), so a long unchanged stretch costs little of the budget.
_CHUNK = 64
# Pure insertions and deletions slide at most this far to land on word boundaries.
_MAX_SLIDE = 32

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
LEVELS = ("words", "paragraphs", "text")

Op = tuple[str, int, int, int, int]  # (tag, i1, i2, j1, j2) as difflib's opcodes


@dataclass(frozen=True)
class TextDiff:
    """Runs of ("equal" | "delete" | "insert", text) and the level the diff reached."""

    runs: list[tuple[str, str]]
    level: str  # one of LEVELS: "words" unless the budget forced a coarser diff


class _Budget:
    def __init__(self, units: int) -> None:
        self.left = units

    def spend(self, units: int) -> bool:
        self.left -= units
        return self.left >= 0


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def paragraphs(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def diff_text(old: str | None, new: str | None, budget: int | None = None) -> TextDiff:
    """The diff of two texts at the finest level that fits `budget` work units (default WORK_BUDGET)."""
    old, new = old or "", new or ""
    budget = WORK_BUDGET if budget is None else budget
    a, b = tokens(old), tokens(new)
    ops = _trimmed_myers(a, b, _Budget(budget))
    if ops is not None:
        return TextDiff(_runs(ops, a, b), "words")
    pa, pb = paragraphs(old), paragraphs(new)
    ops = _trimmed_myers(pa, pb, _Budget(budget))
    changed = [op for op in ops or [] if op[0] != "equal"]
    # One changed block is the word diff that just ran out of budget again.
    if ops is not None and len(changed) > 1:
        return _refine(ops, pa, pb, _Budget(budget))
    if ops is not None and len(ops) > 1:
        return TextDiff(_runs(ops, pa, pb), "paragraphs")
    return TextDiff(_runs(_replaced(a, b), a, b), "text")


def opcodes(a: Sequence[str], b: Sequence[str], budget: int = WORK_BUDGET) -> list[Op] | None:
    """difflib-style opcodes (equal, replace, insert, delete) turning a into b, or None past the budget.

    For callers that judge a diff rather than show it (kinds of edit): the same
    bounded Myers, without the sliding that only makes shown diffs read well.
    """
    start, ea, eb = _common_ends(a, b)
    middle = _myers(a[start:ea], b[start:eb], _Budget(budget))
    if middle is None:
        return None
    shifted = [(tag, i1 + start, i2 + start, j1 + start, j2 + start) for tag, i1, i2, j1, j2 in middle]
    return [
        ("insert" if i1 == i2 else "delete" if j1 == j2 else tag, i1, i2, j1, j2) if tag == "replace" else op
        for op in _with_ends(shifted, a, b, start, ea, eb)
        for tag, i1, i2, j1, j2 in [op]
    ]


def _refine(ops: list[Op], pa: list[str], pb: list[str], budget: _Budget) -> TextDiff:
    """Paragraph opcodes, with each changed block word-diffed while the budget lasts."""
    runs: list[tuple[str, str]] = []
    level = "words"
    for tag, i1, i2, j1, j2 in ops:
        old, new = "".join(pa[i1:i2]), "".join(pb[j1:j2])
        if tag == "equal":
            runs.append(("equal", old))
            continue
        a, b = tokens(old), tokens(new)
        inner = _trimmed_myers(a, b, budget) if old and new else None
        if inner is None:
            level = "paragraphs" if old and new else level
            runs += [("delete", old), ("insert", new)]
        else:
            runs += _runs(inner, a, b)
    return TextDiff(_merge(runs), level)


def _replaced(a: Sequence[str], b: Sequence[str]) -> list[Op]:
    start, end_a, end_b = _common_ends(a, b)
    return _with_ends([("replace", start, end_a, start, end_b)], a, b, start, end_a, end_b)


def _common_ends(a: Sequence[object], b: Sequence[object]) -> tuple[int, int, int]:
    """(length of the common prefix, end of a's and of b's middle before the common suffix)."""
    n, m = len(a), len(b)
    start = 0
    size = _CHUNK * 16  # whole slices first: a long common stretch is compared in C
    while size:
        while start + size <= min(n, m) and a[start : start + size] == b[start : start + size]:
            start += size
        size //= 4
    end_a, end_b = n, m
    size = _CHUNK * 16
    while size:
        while (
            end_a - size >= start
            and end_b - size >= start
            and a[end_a - size : end_a] == b[end_b - size : end_b]
        ):
            end_a, end_b = end_a - size, end_b - size
        size //= 4
    return start, end_a, end_b


def _with_ends(
    middle: list[Op], a: Sequence[object], b: Sequence[object], start: int, ea: int, eb: int
) -> list[Op]:
    ops: list[Op] = [("equal", 0, start, 0, start)] if start else []
    ops += [op for op in middle if op[1] < op[2] or op[3] < op[4]]
    if ea < len(a):
        ops.append(("equal", ea, len(a), eb, len(b)))
    return ops


def _trimmed_myers(a: Sequence[str], b: Sequence[str], budget: _Budget) -> list[Op] | None:
    """Opcodes turning a into b, or None when the budget runs out first."""
    start, ea, eb = _common_ends(a, b)
    middle = _myers(a[start:ea], b[start:eb], budget)
    if middle is None:
        return None
    shifted = [(tag, i1 + start, i2 + start, j1 + start, j2 + start) for tag, i1, i2, j1, j2 in middle]
    return _slide(_with_ends(shifted, a, b, start, ea, eb), a, b)


def _myers(a: Sequence[str], b: Sequence[str], budget: _Budget) -> list[Op] | None:
    """Myers' greedy shortest edit script, keeping each round's frontier to trace the path back."""
    n, m = len(a), len(b)
    if not n or not m:
        return [("replace", 0, n, 0, m)] if n or m else []
    # Rounds stop when the budget does: d never exceeds about sqrt(2 * budget).
    top = min(n + m, int((2 * max(budget.left, 0)) ** 0.5) + 2)
    offset = top + 1
    v = [0] * (2 * top + 3)
    trace: list[list[int]] = []
    for d in range(top + 1):
        # A round is d + 1 diagonals in Python; its frontier copy runs in C.
        if not budget.spend(d + 1):
            return None
        trace.append(v[offset - d - 1 : offset + d + 2])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y = x - k
            x, steps = _snake(a, b, x, y)
            y = x - k
            v[offset + k] = x
            if not budget.spend(1 + steps):
                return None
            if x >= n and y >= m:
                return _opcodes(_path(trace, n, m))
    return None


def _snake(a: Sequence[str], b: Sequence[str], x: int, y: int) -> tuple[int, int]:
    """How far the diagonal from (x, y) runs through equal tokens, and the steps it took."""
    n, m = len(a), len(b)
    steps = 0
    while x < n and y < m and a[x] == b[y]:
        size = min(_CHUNK, n - x, m - y)
        if size > 1 and a[x : x + size] == b[y : y + size]:
            x, y, steps = x + size, y + size, steps + 4
        else:
            x, y, steps = x + 1, y + 1, steps + 1
    return x, steps


def _path(trace: list[list[int]], x: int, y: int) -> list[tuple[str, int]]:
    """The edit script as runs of steps: "=" (both advance), "-" (a advances), "+" (b advances)."""
    steps: list[tuple[str, int]] = []
    for d in range(len(trace) - 1, -1, -1):
        frontier = trace[d]  # k is at index k + d + 1
        k = x - y
        down = k == -d or (k != d and frontier[k + d] < frontier[k + d + 2])
        prev_k = k + 1 if down else k - 1
        prev_x = frontier[prev_k + d + 1]
        prev_y = prev_x - prev_k
        diagonal = min(x - prev_x, y - prev_y)
        if diagonal > 0:
            steps.append(("=", diagonal))
            x, y = x - diagonal, y - diagonal
        if d:
            steps.append(("+" if x == prev_x else "-", 1))
        x, y = prev_x, prev_y
    steps.reverse()
    return steps


def _opcodes(steps: list[tuple[str, int]]) -> list[Op]:
    ops: list[Op] = []
    i = j = 0
    for kind, count in steps:
        if kind == "=":
            ops.append(("equal", i, i + count, j, j + count))
            i, j = i + count, j + count
            continue
        i1, j1 = i, j
        if kind == "-":
            i += count
        else:
            j += count
        if ops and ops[-1][0] == "replace":
            i1, j1 = ops.pop()[1::2]
        ops.append(("replace", i1, i, j1, j))
    return ops


def _slide(ops: list[Op], a: Sequence[str], b: Sequence[str]) -> list[Op]:
    """Move each pure insertion or deletion to start after white space and end with it.

    "conservative justices ruled" to "conservative ruled" may come out as the
    deletion of " justices" or of "justices "; both rebuild the texts, but
    only the second reads as a word removed.
    """
    ops = list(ops)
    for index in range(1, len(ops) - 1):
        before, (tag, i1, i2, j1, j2), after = ops[index - 1], ops[index], ops[index + 1]
        if tag == "equal" or before[0] != "equal" or after[0] != "equal" or (i1 < i2 and j1 < j2):
            continue
        seq, w1, w2 = (a, i1, i2) if i1 < i2 else (b, j1, j2)
        low = max(-_MAX_SLIDE, -(before[2] - before[1]))
        high = min(_MAX_SLIDE, after[2] - after[1])
        best, best_score = 0, _score(seq, w1, w2)
        for shift in [*range(-1, low - 1, -1), *range(1, high + 1)]:
            if not _can_shift(seq, w1, w2, shift):
                continue
            score = _score(seq, w1 + shift, w2 + shift)
            if score > best_score:
                best, best_score = shift, score
        if best:
            s = best
            ops[index - 1] = (before[0], before[1], before[2] + s, before[3], before[4] + s)
            ops[index] = (tag, i1 + s, i2 + s, j1 + s, j2 + s)
            ops[index + 1] = (after[0], after[1] + s, after[2], after[3] + s, after[4])
    return [op for op in ops if op[1] < op[2] or op[3] < op[4]]


def _can_shift(seq: Sequence[str], w1: int, w2: int, shift: int) -> bool:
    """A window can slide by `shift` when the tokens it passes over equal those it leaves."""
    if shift < 0:
        return all(seq[w1 + s] == seq[w2 + s] for s in range(shift, 0))
    return all(seq[w1 + s] == seq[w2 + s] for s in range(shift))


def _score(seq: Sequence[str], w1: int, w2: int) -> int:
    """Higher for a change that starts after a space or a mark and ends with one (not mid-phrase)."""
    starts_clean = w1 == 0 or not _is_word(seq[w1 - 1])
    return 2 * starts_clean + (not _is_word(seq[w2 - 1]))


def _is_word(token: str) -> bool:
    return token[:1].isalnum() or token[:1] == "_"


def _runs(ops: list[Op], a: Sequence[str], b: Sequence[str]) -> list[tuple[str, str]]:
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            runs.append(("equal", "".join(a[i1:i2])))
            continue
        if i1 < i2:
            runs.append(("delete", "".join(a[i1:i2])))
        if j1 < j2:
            runs.append(("insert", "".join(b[j1:j2])))
    return _merge(runs)


def _merge(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs tidied for reading: empty runs dropped, deletions before insertions, one run per kind.

    A lone space between two changes joins them ("[-old words-]{+new text+}",
    not "[-old-]{+new+} [-words-]{+text+}"): the space is then in both the
    deletion and the insertion, so either side still rebuilds.
    """
    merged: list[tuple[str, str]] = []
    deleted, inserted = "", ""  # the change being gathered
    for index, (op, text) in enumerate(runs):
        if op == "delete":
            deleted += text
        elif op == "insert":
            inserted += text
        elif (deleted or inserted) and _joins(text) and index + 1 < len(runs):
            deleted, inserted = deleted + text, inserted + text
        elif text:
            merged += _change(deleted, inserted)
            deleted = inserted = ""
            if merged and merged[-1][0] == "equal":
                merged[-1] = ("equal", merged[-1][1] + text)
            else:
                merged.append(("equal", text))
    return merged + _change(deleted, inserted)


def _joins(text: str) -> bool:
    return text == " "


def _change(deleted: str, inserted: str) -> list[tuple[str, str]]:
    return [(op, text) for op, text in (("delete", deleted), ("insert", inserted)) if text]
