"""What a re-extraction did, counted: the summary printed as text or JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# Diffs kept for --dry-run's sample.
SAMPLE_SIZE = 5


@dataclass
class ArticleDiff:
    """One changed article for --dry-run: its URL, version counts and the start of its text diff."""

    url: str
    versions_before: int
    versions_after: int
    diff: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "versions_before": self.versions_before,
            "versions_after": self.versions_after,
            "diff": self.diff,
        }


@dataclass
class ReextractSummary:
    dry_run: bool = False
    already_done: bool = False  # a previous run of this command finished
    articles: int = 0  # articles read
    captures: int = 0  # captures re-extracted
    same_bytes: int = 0  # captures whose bytes an earlier capture of the article had: extracted once
    changed: int = 0  # articles whose versions were (or would be) rebuilt
    unchanged: int = 0
    extractor_versions: int = 0  # versions written with cause "extractor"
    edit_versions: int = 0  # versions of a new generation the extractor sees as the publisher's edits
    superseded: int = 0  # versions kept but replaced
    skipped: Counter[str] = field(default_factory=Counter)  # articles left as they were, by reason
    sample: list[ArticleDiff] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "already_done": self.already_done,
            "articles": self.articles,
            "captures": self.captures,
            "same_bytes": self.same_bytes,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "extractor_versions": self.extractor_versions,
            "edit_versions": self.edit_versions,
            "superseded": self.superseded,
            "skipped": dict(self.skipped),
            "sample": [item.to_dict() for item in self.sample],
        }

    def to_text(self) -> str:
        if self.already_done:
            return "already done: a previous run of this re-extraction finished"
        would = "would change" if self.dry_run else "changed"
        lines = [
            f"articles read: {self.articles}; captures re-extracted: {self.captures} "
            f"({self.same_bytes} by identical bytes)",
            f"{would}: {self.changed}; unchanged: {self.unchanged}; skipped: {sum(self.skipped.values())}",
        ]
        if not self.dry_run:
            lines.append(
                f"new versions: {self.extractor_versions} extractor change(s), "
                f"{self.edit_versions} edit(s) seen again by the current extractor; "
                f"{self.superseded} earlier version(s) kept as superseded"
            )
        lines += [f"  skipped: {reason}: {n}" for reason, n in self.skipped.most_common()]
        for item in self.sample:
            lines.append(f"--- {item.url} ({item.versions_before} -> {item.versions_after} versions)")
            lines.append(item.diff)
        return "\n".join(lines)
