"""The diff between two versions in the shape the web side renders: a list of fields.

newsarchive.storage.research.diffs.version_diff computes it (word-level runs for headline, text
and captions; before/after for authors and dates); this adapter turns the
three word-level fields into objects a template can lay out side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsarchive.storage.models import Version
from newsarchive.storage.research.diffs import version_diff
from newsarchive.storage.write.versions import DiffOp

FIELDS = (("title", "Headline"), ("text", "Text"), ("captions", "Captions"))


class OpSides:
    """What a run of diff operations shows: whether it changed, and its old and new side."""

    ops: list[DiffOp]

    @property
    def changed(self) -> bool:
        return any(op.op != "equal" for op in self.ops)

    @property
    def old_side(self) -> list[DiffOp]:
        return [op for op in self.ops if op.op != "insert"]

    @property
    def new_side(self) -> list[DiffOp]:
        return [op for op in self.ops if op.op != "delete"]


@dataclass(frozen=True)
class FieldDiff(OpSides):
    name: str
    label: str
    ops: list[DiffOp] = field(default_factory=list)
    level: str = "words"  # "paragraphs" or "text" when the diff was too large for words

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.name,
            "changed": self.changed,
            "level": self.level,
            "ops": [{"op": op.op, "text": op.text} for op in self.ops],
        }


@dataclass(frozen=True)
class Diff:
    fields: list[FieldDiff]
    values: dict[str, dict[str, Any]]  # short fields that changed: {"authors": {"from": .., "to": ..}}
    summary: dict[str, Any] | None
    changed: bool
    notice: str | None = None  # why a field is shown by paragraphs or whole, not word by word


def diff_versions(old: Version, new: Version) -> Diff:
    data = version_diff(old, new)
    fields = [
        FieldDiff(name, label, [DiffOp(op["op"], op["text"]) for op in data[name]], data["levels"][name])
        for name, label in FIELDS
    ]
    return Diff(fields, data["values"], data["summary"], data["changed"], data["notice"])
