"""What an import did, counted: the summary printed as text or JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from newsarchive.crawler.warcin.writer import PLACED, Outcome

# Most damaged-record reports kept in the summary (all are logged).
MAX_DAMAGE_REPORTS = 100


@dataclass
class ImportSummary:
    files: int = 0  # files read (fully or from a checkpoint)
    files_already_done: int = 0  # skipped: a previous run imported them
    files_refused: list[str] = field(default_factory=list)  # "path: why"
    records: int = 0  # records read
    html: int = 0  # HTML responses (and resolved revisits) kept by the filters
    filtered_out: Counter[str] = field(default_factory=Counter)  # by filter
    passed_over: Counter[str] = field(default_factory=Counter)  # not page captures: requests, non-HTML, ...
    outcomes: Counter[str] = field(default_factory=Counter)  # new_article, new_version, unchanged, ...
    skipped: Counter[str] = field(default_factory=Counter)  # by reason
    failed: Counter[str] = field(default_factory=Counter)  # by reason
    damaged: list[str] = field(default_factory=list)  # "path@offset: why"
    placed_earlier: int = 0  # older than the archived history: put in their place in it

    def count(self, outcome: Outcome) -> None:
        if outcome.reason == PLACED:
            self.placed_earlier += 1
        if outcome.outcome == "skipped":
            self.skipped[outcome.reason or "skipped"] += 1
        elif outcome.outcome == "failed":
            self.failed[_reason_kind(outcome.reason)] += 1
        else:
            self.outcomes[outcome.outcome] += 1

    def damage(self, path: str, offset: int, reason: str) -> None:
        self.failed["corrupt or truncated record"] += 1
        if len(self.damaged) < MAX_DAMAGE_REPORTS:
            self.damaged.append(f"{path}@{offset}: {reason}")

    @property
    def ok(self) -> bool:
        return not self.files_refused

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "files_already_done": self.files_already_done,
            "files_refused": self.files_refused,
            "records": self.records,
            "html": self.html,
            "filtered_out": dict(self.filtered_out),
            "passed_over": dict(self.passed_over),
            "new_articles": self.outcomes["new_article"],
            "new_versions": self.outcomes["new_version"],
            "unchanged": self.outcomes["unchanged"],
            "walled": self.outcomes["walled"],
            "placed_earlier": self.placed_earlier,
            "skipped": dict(self.skipped),
            "failed": dict(self.failed),
            "damaged_records": self.damaged,
        }

    def to_text(self) -> str:
        data = self.to_dict()
        lines = [
            f"files: {self.files} read, {self.files_already_done} already imported, "
            f"{len(self.files_refused)} refused",
            f"records read: {self.records}; HTML pages: {self.html}; "
            f"filtered out: {sum(self.filtered_out.values())}; "
            f"not page captures: {sum(self.passed_over.values())}",
            f"new articles: {data['new_articles']}; new versions: {data['new_versions']}; "
            f"unchanged: {data['unchanged']}; walled: {data['walled']}; "
            f"placed earlier in a history: {self.placed_earlier}",
            f"skipped: {sum(self.skipped.values())}; failed: {sum(self.failed.values())}",
        ]
        for title, counts in (
            ("filtered out", self.filtered_out),
            ("skipped", self.skipped),
            ("failed", self.failed),
        ):
            lines += [f"  {title}: {reason}: {n}" for reason, n in counts.most_common()]
        lines += [f"  refused: {line}" for line in self.files_refused]
        lines += [f"  damaged: {line}" for line in self.damaged]
        return "\n".join(lines)


def _reason_kind(reason: str | None) -> str:
    """Group failures by their kind, not their per-page detail."""
    text = reason or "failed"
    return text.split(":", 1)[0] if text.startswith("extraction failed") else text
