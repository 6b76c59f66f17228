"""The extraction metric of ../shared/eval/score.py, re-implemented for the tests.

Tests must run without ../shared, so the formulas are restated here (the
same definitions: 4-word shingles over re ``\\w+`` words, per-document
precision/recall averaged, F1 of the averages; titles after NFKC, casefold
and whitespace collapse; authors as sets; dates as YYYY-MM-DD; a caption is
found when one string contains the other). ``test_quality_gate`` checks this
copy against the original when the original is present.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from typing import Any

WORD = re.compile(r"\w+")


def _shingles(text: str, n: int = 4) -> Counter:
    words = WORD.findall(text or "")
    return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)) if words[i : i + n])


def norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _author_set(value: Any) -> frozenset[str]:
    if not value:
        return frozenset()
    parts = value if isinstance(value, list) else re.split(r";|,| and ", str(value))
    return frozenset(n for n in (norm(p) for p in parts) if n)


def _caption_texts(value: Any) -> list[str]:
    return [n for n in (norm(c.get("caption") if isinstance(c, dict) else c) for c in value or []) if n]


def score(truth: list[dict[str, Any]], predictions: dict[str, dict[str, Any]]) -> dict[str, float]:
    rows = [(t, predictions.get(str(t["id"]), {})) for t in truth]
    out: dict[str, float] = {}
    triples = []
    for t, p in rows:
        if not t.get("body"):
            continue
        a, b = _shingles(t["body"]), _shingles(p.get("text", ""))
        tp, fp, fn = sum((a & b).values()), sum((b - a).values()), sum((a - b).values())
        total = tp + fp + fn
        triples.append((tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0))
    if triples:
        precision = statistics.mean(
            1.0 if fp == fn == 0 else tp / (tp + fp) for tp, fp, fn in triples if tp + fp > 0
        )
        recall = statistics.mean(
            1.0 if fp == fn == 0 else tp / (tp + fn) for tp, fp, fn in triples if tp + fn > 0
        )
        out["f1"] = 2 * precision * recall / (precision + recall)
    titled = [(t, p) for t, p in rows if t.get("title")]
    if titled:
        out["title_exact"] = statistics.mean(
            float(norm(t["title"]) == norm(p.get("title"))) for t, p in titled
        )
    dated = [(t, p) for t, p in rows if t.get("published")]
    if dated:
        out["date_exact"] = statistics.mean(
            float(str(t["published"])[:10] == str(p.get("published") or "")[:10]) for t, p in dated
        )
    authored = [(t, p) for t, p in rows if t.get("authors")]
    if authored:
        out["authors_exact"] = statistics.mean(
            float(_author_set(t["authors"]) == _author_set(p.get("authors"))) for t, p in authored
        )
    found, right = [], []
    for t, p in rows:
        want, got = _caption_texts(t.get("captions")), _caption_texts(p.get("captions"))
        if want:
            found += [any(c in q or q in c for q in got) for c in want]
            right += [any(c in q or q in c for c in want) for q in got]
    if found:
        out["captions_found"] = statistics.mean(map(float, found))
        out["captions_precision"] = statistics.mean(map(float, right)) if right else 0.0
    leaked = [norm(s) in norm(p.get("text")) for t, p in rows for s in t.get("without") or []]
    if leaked:
        out["without_leaked"] = statistics.mean(map(float, leaked))
    return out
