"""Pure rules about versions: what changed between two, as words and as a summary."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsarchive.storage.write.dedup import normalise_line, normalised_content

_TOKEN = re.compile(r"\s+|[^\s]+")
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
    """Word-level diff that keeps whitespace, so joining the runs rebuilds either side."""
    a = _TOKEN.findall(old or "")
    b = _TOKEN.findall(new or "")
    ops: list[DiffOp] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(DiffOp("equal", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            ops.append(DiffOp("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(DiffOp("insert", "".join(b[j1:j2])))
    return ops


def _word_changes(old: str, new: str) -> tuple[int, int]:
    a, b = _WORD.findall(old), _WORD.findall(new)
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            removed += i2 - i1
        if tag in ("insert", "replace"):
            added += j2 - j1
    return added, removed


def change_summary(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """What a version changed against its predecessor (None for a first version)."""
    if old is None:
        return {"first": True}
    a, b = normalised_content(old), normalised_content(new)
    added, removed = _word_changes(a["text"], b["text"])
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
    if summary["headline_changed"]:
        summary["old_headline"] = normalise_line(old.get("title"))
    return summary
