"""Pure rules about versions: what changed between two, as words and as a summary."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsarchive.storage.write.bounded_diff import TextDiff, diff_text
from newsarchive.storage.write.dedup import normalise_line, normalised_content

_WORD = re.compile(r"\w+")

# Phrases publishers use when they append an editor's note. Kept short and
# multilingual-light on purpose: a false "correction" flag is cheap, a
# missed one is what the research cares about.
_NOTE_PATTERNS = re.compile(
    r"\b(?:correction|corrected|clarification|editor'?s note|berichtigung|korrektur|rectificatif|rectificación"
    r"|this (?:article|story) (?:has been|was) (?:updated|amended|corrected))\b"
    r"|\bupdated?\s*:",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DiffOp:
    """One run of a word-level diff: "equal", "insert" or "delete"."""

    op: str
    text: str


def word_diff(old: str | None, new: str | None) -> list[DiffOp]:
    """Word-level diff that keeps whitespace, so joining the runs rebuilds either side.

    Bounded (newsarchive.storage.write.bounded_diff): past its work budget the
    runs are whole paragraphs, or the whole changed text.
    """
    return [DiffOp(op, text) for op, text in diff_text(old, new).runs]


def _word_changes(diff: TextDiff) -> tuple[int, int]:
    added = sum(len(_WORD.findall(text)) for op, text in diff.runs if op == "insert")
    removed = sum(len(_WORD.findall(text)) for op, text in diff.runs if op == "delete")
    return added, removed


def change_summary(
    old: Mapping[str, Any] | None, new: Mapping[str, Any], budget: int | None = None
) -> dict[str, Any]:
    """What a version changed against its predecessor (None for a first version).

    The word counts come from the bounded diff: when it had to compare whole
    paragraphs (or the whole text), `diff_level` says so and the counts are
    the words of the paragraphs (or text) replaced, an upper bound.
    """
    if old is None:
        return {"first": True}
    a, b = normalised_content(old), normalised_content(new)
    text_diff = diff_text(a["text"], b["text"], budget)
    added, removed = _word_changes(text_diff)
    # Notes appear in the body or as a headline prefix ("CORRECTION: ...").
    old_notes = set(_NOTE_PATTERNS.findall(f"{a['title']}\n{a['text']}"))
    summary: dict[str, Any] = {
        "headline_changed": a["title"] != b["title"],
        "words_added": added,
        "words_removed": removed,
        "captions_changed": a["captions"] != b["captions"],
        "authors_changed": a["authors"] != b["authors"],
        "dates_changed": (a["published"], a["modified"]) != (b["published"], b["modified"]),
        "note_appeared": bool(set(_NOTE_PATTERNS.findall(f"{b['title']}\n{b['text']}")) - old_notes),
    }
    if text_diff.level != "words":
        summary["diff_level"] = text_diff.level
    if summary["headline_changed"]:
        summary["old_headline"] = normalise_line(old.get("title"))
    return summary
