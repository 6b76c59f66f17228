"""What changed between two versions of an article, as data (the CLI and the API render it).

Versions in, a JSON-ready dict out. Headline, text and captions get a
bounded word-level diff (newsarchive.storage.write.bounded_diff: joining the
runs rebuilds either side; past its work budget it compares paragraphs, then
shows the text replaced, and `level` and `notice` say so); short fields
(authors, dates) are shown as before/after.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from newsarchive.storage.models import Version
from newsarchive.storage.write.bounded_diff import LEVELS, TextDiff, diff_text
from newsarchive.storage.write.versions import DiffOp, change_summary

# Fields compared as whole values, not word by word.
_VALUE_FIELDS = ("authors", "published", "modified", "language")
_DIFFED_FIELDS = ("title", "text", "captions")
NOTICES = {
    "paragraphs": "too large to diff word by word; showing paragraphs",
    "text": "too large to diff word by word or by paragraph; showing the text replaced",
}

# Versions never change their text, so a diff asked for twice (a reader
# reloading a page, an API client polling) is computed once. Keyed by the
# texts themselves: exact, and the same pair in another archive hits too.
_CACHE_SIZE = 16
_cache: OrderedDict[tuple[str, ...], dict[str, TextDiff]] = OrderedDict()
_cache_lock = threading.Lock()


def captions_text(captions: list[dict[str, Any]] | None) -> str:
    """Captions as lines ("caption (credit)"), so a diff shows which caption changed."""
    lines = []
    for caption in captions or []:
        line = " ".join(str(caption.get("caption") or "").split())
        credit = " ".join(str(caption.get("credit") or "").split())
        lines.append(f"{line} ({credit})" if credit else line)
    return "\n".join(lines)


def ops_to_list(ops: list[DiffOp]) -> list[dict[str, str]]:
    return [{"op": op.op, "text": op.text} for op in ops]


def field_diffs(old: Version, new: Version) -> dict[str, TextDiff]:
    """The bounded diffs of headline, text and captions, cached by content."""
    pairs = {
        "title": (old.title or "", new.title or ""),
        "text": (old.text or "", new.text or ""),
        "captions": (captions_text(old.captions), captions_text(new.captions)),
    }
    key = tuple(text for pair in pairs.values() for text in pair)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    diffs = {name: diff_text(*pair) for name, pair in pairs.items()}
    with _cache_lock:
        _cache[key] = diffs
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return diffs


def _side(version: Version) -> dict[str, Any]:
    return {
        "version_id": version.id,
        "version": version.number,
        "first_seen": version.first_seen_at.isoformat(),
        "last_seen": version.last_seen_at.isoformat(),
        "words": version.word_count,
    }


def version_diff(old: Version, new: Version) -> dict[str, Any]:
    """The diff of `new` against `old` (normally its predecessor, but any two versions work)."""
    if old.article_id != new.article_id:
        raise ValueError("cannot diff versions of two different articles")
    diffs = field_diffs(old, new)
    fields = {name: [DiffOp(op, text) for op, text in diffs[name].runs] for name in _DIFFED_FIELDS}
    level = max((d.level for d in diffs.values()), key=LEVELS.index)
    values = {
        name: {"from": getattr(old, name), "to": getattr(new, name)}
        for name in _VALUE_FIELDS
        if getattr(old, name) != getattr(new, name)
    }
    # The stored summary compares a version with its predecessor only; for
    # any other pair it is recomputed so it describes exactly this diff.
    adjacent = new.number == old.number + 1 and new.changes is not None
    summary = new.changes if adjacent else change_summary(old.content(), new.content())
    return {
        "article_id": new.article_id,
        "from": _side(old),
        "to": _side(new),
        "changed": any(op.op != "equal" for ops in fields.values() for op in ops) or bool(values),
        "summary": summary,
        "title": ops_to_list(fields["title"]),
        "text": ops_to_list(fields["text"]),
        "captions": ops_to_list(fields["captions"]),
        "levels": {name: diffs[name].level for name in _DIFFED_FIELDS},
        "notice": NOTICES.get(level),
        "values": values,
    }
