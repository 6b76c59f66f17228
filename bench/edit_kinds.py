"""Precision and recall of the edit-kind rule on labelled edits of real articles.

    python bench/edit_kinds.py [--shared /work/shared] [--seed 17] [--json out.json]

Builds several hundred edits from the evaluation pages' real text
(bench/_edits.py: typo fixes, rewordings, added, removed and replaced sentences and paragraphs,
correction notes, appended updates, headline and byline changes, rewrites,
reverts, layout-only changes and pairs of these), splits them by publisher
into a tuning half and a test half, picks the thresholds
(newsarchive.storage.write.edit_kinds.Thresholds) that maximise the mean F1
of the text kinds on the tuning half, and reports each kind's precision and
recall on the test half, which the tuning never saw. The docs quote its
output (docs/research.md, "Kinds of edit").
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._edits import Edit, build_edits, half, load_pages  # noqa: E402
from newsarchive.storage.write.edit_kinds import (  # noqa: E402
    KINDS,
    THRESHOLDS,
    TextDiff,
    Thresholds,
    diff_kinds,
    edit_features,
    revert_key,
)

TEXT_KINDS = ("typo", "wording", "substantive", "live-update", "rewrite")
GRID = {
    "typo_max_tokens": (1, 2, 3),
    "typo_max_chars": (1, 2, 3),
    "substantive_min_words": (3, 4, 5, 6, 8),
    "wording_max_words": (4, 6, 8, 12, 16),
    "rewrite_max_kept": (0.3, 0.4, 0.5, 0.6, 0.7),
    "live_min_words": (1, 3, 6),
}

Prepared = tuple[Edit, set[str], TextDiff]


def prepare(edit: Edit) -> Prepared:
    """The threshold-free part, computed once: base kinds (with revert found as the archive finds it)."""
    kinds, diff = edit_features(edit.old, edit.new)
    # As newsarchive.storage.write.edit_history does: equal headline and text to
    # a version before the predecessor.
    if any(revert_key(earlier) == revert_key(edit.new) for earlier in edit.history):
        kinds.add("revert")
    return edit, kinds, diff


def predict(item: Prepared, limits: Thresholds) -> set[str]:
    return item[1] | diff_kinds(item[2], limits)


def scores(items: list[Prepared], limits: Thresholds) -> dict[str, dict[str, float]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for item in items:
        got, want = predict(item, limits), item[0].labels
        for kind in KINDS:
            tp[kind] += kind in got and kind in want
            fp[kind] += kind in got and kind not in want
            fn[kind] += kind not in got and kind in want
    table = {}
    for kind in KINDS:
        precision = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 0.0
        recall = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[kind] = {"precision": precision, "recall": recall, "f1": f1, "support": tp[kind] + fn[kind]}
    return table


def _score(items: list[Prepared], limits: Thresholds) -> float:
    table = scores(items, limits)
    return sum(table[kind]["f1"] for kind in TEXT_KINDS) / len(TEXT_KINDS)


def tune(items: list[Prepared]) -> tuple[Thresholds, dict[str, list[float]]]:
    """The best grid point, each threshold then moved to the middle of the values that score as well.

    Several values often tie (the labelled edits leave a gap between two
    kinds); the middle of the gap is the least arbitrary choice. Returns the
    thresholds and, for each, the tying values.
    """
    best, best_score = THRESHOLDS, -1.0
    names = list(GRID)
    for values in itertools.product(*GRID.values()):
        limits = replace(THRESHOLDS, **dict(zip(names, values, strict=True)))
        score = _score(items, limits)
        if score > best_score + 1e-9:
            best, best_score = limits, score
    ties = {
        name: [v for v in GRID[name] if _score(items, replace(best, **{name: v})) >= best_score - 1e-9]
        for name in names
    }
    middle = {name: values[(len(values) - 1) // 2] for name, values in ties.items()}
    return replace(best, **middle), ties


def markdown(table: dict[str, dict[str, float]]) -> str:
    lines = ["| kind | precision | recall | edits with the kind |", "|---|---:|---:|---:|"]
    for kind, row in table.items():
        lines.append(f"| {kind} | {row['precision']:.3f} | {row['recall']:.3f} | {row['support']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("/work/shared"))
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--json", type=Path, help="Write the thresholds and both tables here.")
    parser.add_argument("--errors", type=int, default=0, help="Print this many misclassified test edits.")
    parser.add_argument(
        "--no-tune",
        action="store_true",
        help="Only measure the module's thresholds (no grid search: minutes less on a busy machine).",
    )
    args = parser.parse_args()

    pages = load_pages(args.shared)
    edits = [edit for edit in build_edits(pages, args.seed) if edit.old != edit.new or not edit.labels]
    items = [prepare(edit) for edit in edits]
    tune_items = [item for item in items if half(item[0].domain) == "tune"]
    test_items = [item for item in items if half(item[0].domain) == "test"]
    limits, ties = (THRESHOLDS, {}) if args.no_tune else tune(tune_items)
    print(f"{len(pages)} pages, {len(edits)} edits: {len(tune_items)} to tune, {len(test_items)} to test")
    print(
        f"rules: {dict(Counter(edit.rule.split('+')[0] if '+' not in edit.rule else 'pair' for edit in edits))}"
    )
    print(f"tuned thresholds: {asdict(limits)} (module defaults: {asdict(THRESHOLDS)})")
    print(f"values that tie on the tuning half: {ties}")
    print("\ntest half, tuned thresholds:\n" + markdown(scores(test_items, limits)))
    print("\ntest half, module defaults:\n" + markdown(scores(test_items, THRESHOLDS)))
    exact = sum(predict(item, THRESHOLDS) == item[0].labels for item in test_items)
    print(f"\nexact kind set, module defaults: {exact}/{len(test_items)} test edits")
    for item in [i for i in test_items if predict(i, THRESHOLDS) != i[0].labels][: args.errors]:
        print(
            f"  {item[0].page} {item[0].rule}: want {sorted(item[0].labels)}, got {sorted(predict(item, THRESHOLDS))}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "tuned": asdict(limits),
                    "ties": ties,
                    "defaults": asdict(THRESHOLDS),
                    "test": scores(test_items, THRESHOLDS),
                    "tune": scores(tune_items, THRESHOLDS),
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
