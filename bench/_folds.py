"""Publisher folds: how a figure spreads across groups of publishers.

A rule tuned on the development pages can fit their publishers rather than
news pages in general. Splitting each set by publisher (the registrable
domain of the page's URL, else of its canonical or og:url) into k folds and
scoring every fold apart shows that: a gain that holds shows up in most
folds, a gain from one publisher's markup in one. The fold of a publisher is
a hash of its name, so it never moves between runs or when pages are added.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any
from urllib.parse import urlsplit

from newsarchive.crawler.crawl.discovery.sites import registrable_domain

# rel=canonical or og:url, for a truth row whose url is missing or not a web address.
_PAGE_URL = re.compile(
    rb"""<(?:link[^>]+rel=["']?canonical["']?[^>]+href|meta[^>]+property=["']og:url["'][^>]+content)"""
    rb"""=["']?(https?://[^"'\s>]+)""",
    re.IGNORECASE,
)


def publisher(url: str | None, page: Path | None = None) -> str:
    """The registrable domain the page belongs to ("bbc.co.uk"); "unknown" when nothing says."""
    host = urlsplit(url or "").hostname
    if not host and page is not None and page.exists():
        with gzip.open(page) as f:
            found = _PAGE_URL.search(f.read(200_000))
        host = urlsplit(found.group(1).decode("ascii", "replace")).hostname if found else None
    return registrable_domain(host) if host else "unknown"


def fold_of(name: str, k: int) -> int:
    """A stable fold for a publisher: the same on every machine and run."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % k


@dataclass(frozen=True)
class Spread:
    mean: float
    low: float
    high: float


def fold_scores(
    truth: Sequence[dict[str, Any]],
    pages: Path,
    predictions: Path,
    scorer: Path,
    k: int,
    work: Path,
) -> tuple[list[dict[str, Any]], list[int]]:
    """Each fold's scores (as the scorer gives them) and its number of publishers."""
    by_fold: list[list[dict[str, Any]]] = [[] for _ in range(k)]
    publishers: list[set[str]] = [set() for _ in range(k)]
    for row in truth:
        name = publisher(row.get("url"), pages / f"{row['id']}.html.gz")
        fold = fold_of(name, k)
        by_fold[fold].append(row)
        publishers[fold].add(name)
    wanted = [{str(r["id"]) for r in rows} for rows in by_fold]
    predicted = [json.loads(line) for line in predictions.open(encoding="utf-8") if line.strip()]
    results = []
    for fold, rows in enumerate(by_fold):
        if not rows:
            continue
        truth_path = work / f"{predictions.stem}.fold{fold}.truth.jsonl"
        pred_path = work / f"{predictions.stem}.fold{fold}.pred.jsonl"
        truth_path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
        pred_path.write_text(
            "".join(
                json.dumps(p, ensure_ascii=False) + "\n" for p in predicted if str(p["id"]) in wanted[fold]
            ),
            encoding="utf-8",
        )
        scored = subprocess.run(
            [sys.executable, str(scorer), str(truth_path), str(pred_path), "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(scored.stdout))
    return results, [len(p) for p in publishers if p]


def spread(folds: Sequence[dict[str, Any]], key: str) -> Spread | None:
    """Mean, lowest and highest of one figure over the folds that have it."""
    values = [f[key] for f in folds if isinstance(f.get(key), float)]
    if not values:
        return None
    return Spread(mean(values), min(values), max(values))
