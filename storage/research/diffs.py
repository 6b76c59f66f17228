"""What changed between two versions of an article, as data (the CLI and the API render it).

Pure: versions in, a JSON-ready dict out. Headline, text and captions get a
word-level diff (newsarchive.storage.write.versions.word_diff: joining the runs rebuilds either
side); short fields (authors, dates) are shown as before/after.
"""

from __future__ import annotations

from typing import Any

from newsarchive.storage.models import Version
from newsarchive.storage.write.versions import DiffOp, change_summary, word_diff

# Fields compared as whole values, not word by word.
_VALUE_FIELDS = ("authors", "published", "modified", "language")


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
    fields = {
        "title": word_diff(old.title, new.title),
        "text": word_diff(old.text, new.text),
        "captions": word_diff(captions_text(old.captions), captions_text(new.captions)),
    }
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
        "values": values,
    }
