"""Extraction quality and speed: our extractor against plain trafilatura and peers.

Run by hand (and in CI as a smoke run with --limit):

    python bench/extraction.py [--sets scrapinghub,fundus-dev] [--limit N] [--jobs N]

For every set in ../shared/evaldata (``<set>/pages/<id>.html.gz`` and
``<set>/truth.jsonl``) each extractor's predictions go to
``bench/out/<set>.<extractor>.jsonl`` and are scored by the shared scorer
(``../shared/eval/score.py --json``). Times are per document, inside the
worker process, for the extraction call alone (decompression excluded), as
CPU time of the worker (wall time on a shared machine mostly measures
waiting for a core); compare ratios within one run.
Peers (newspaper4k, readability-lxml) are skipped when not installed.

Every set is also split by publisher into ``--folds`` folds (bench/_folds.py)
and every figure printed as its mean over the folds with the lowest and
highest fold, next to plain trafilatura's from the same run: a gain that
shows in one fold only is one publisher's, not the web's. ``--rescore``
scores the predictions already in ``--out`` again without extracting
(another fold count, or a second look on a loaded machine).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))
OUT = Path(__file__).resolve().parent / "out"
SCORER = SHARED / "eval" / "score.py"
FOLDS = 5
# The plain-trafilatura baseline and the fixed reference date (runs on
# different days score the same) are shared with bench/crawl.py's ceiling.
from _extract import REFERENCE, plain_document  # noqa: E402
from _folds import fold_scores, spread  # noqa: E402

Prediction = dict[str, Any]


def ours(html: bytes, url: str) -> Prediction:
    from newsarchive.crawler.extract import extract_article

    a = extract_article(html, url, fetched_at=REFERENCE)
    return {
        "text": a.text,
        "title": a.title,
        "authors": a.authors,
        "published": a.published,
        "captions": [c.caption for c in a.captions],
    }


def trafilatura_plain(html: bytes, url: str) -> Prediction:
    doc = plain_document(html, url)
    if doc is None:
        return {"text": ""}
    return {
        "text": doc.text or "",
        "title": doc.title,
        "authors": [a for a in (doc.author or "").split("; ") if a],
        "published": doc.date,
    }


def newspaper(html: bytes, url: str) -> Prediction:
    from newspaper import Article as NpArticle
    from newspaper import Config

    config = Config()
    # No network in a benchmark: by default newspaper downloads images to size them.
    config.fetch_images = False
    config.request_timeout = 1
    art = NpArticle(url, config=config)
    art.download(input_html=html.decode("utf-8", "replace"))
    art.parse()
    return {
        "text": art.text or "",
        "title": art.title,
        "authors": list(art.authors or []),
        "published": art.publish_date.isoformat() if art.publish_date else None,
    }


def readability(html: bytes, url: str) -> Prediction:
    import lxml.html
    from readability import Document

    doc = Document(html, url=url)
    summary = lxml.html.fromstring(doc.summary(html_partial=True))
    text = "\n".join(
        " ".join(p.text_content().split()) for p in summary.iter("p", "h1", "h2", "h3", "h4", "li")
    )
    return {"text": text, "title": doc.short_title()}


EXTRACTORS: dict[str, tuple[Callable[[bytes, str], Prediction], str | None]] = {
    "ours": (ours, None),
    "trafilatura": (trafilatura_plain, None),
    "newspaper4k": (newspaper, "newspaper"),
    "readability": (readability, "readability"),
}


def available(name: str) -> bool:
    module = EXTRACTORS[name][1]
    if module is None:
        return True
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _run_doc(job: tuple[list[str], str, str, str]) -> tuple[str, dict[str, tuple[Prediction, float]]]:
    """Every extractor on one document, back to back in one process.

    Interleaving keeps the comparison fair when the machine's load changes
    during the run (other jobs, thermal throttling): each document's
    timings for all extractors are taken within milliseconds of each other.
    """
    names, doc_id, path, url = job
    with gzip.open(path) as f:
        html = f.read()
    out = {}
    for name in names:
        fn = EXTRACTORS[name][0]
        # CPU time of this process, not wall time: on a shared machine the
        # wall clock mostly measures how long the worker waited for a core.
        start = time.process_time()
        try:
            pred = fn(html, url)
        except Exception as exc:  # noqa: BLE001 - a peer crashing on a page scores as empty
            pred = {"text": "", "error": repr(exc)[:200]}
        out[name] = (pred, time.process_time() - start)
    return doc_id, out


def run_set(
    set_dir: Path, names: list[str], limit: int | None, jobs: int, rescore: bool
) -> dict[str, dict[str, Any]]:
    truth = [json.loads(line) for line in (set_dir / "truth.jsonl").open(encoding="utf-8") if line.strip()]
    if limit:
        truth = truth[:limit]
    truth_path = set_dir / "truth.jsonl"
    if limit:
        truth_path = OUT / f"{set_dir.name}.truth.jsonl"
        truth_path.write_text(
            "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in truth), encoding="utf-8"
        )
    rows: list[tuple[str, dict[str, tuple[Prediction, float]]]] = []
    if not rescore:
        jobs_list = [
            (names, str(t["id"]), str(set_dir / "pages" / f"{t['id']}.html.gz"), t["url"]) for t in truth
        ]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            # Warm the workers (imports, first-call caches) before timing anything.
            list(pool.map(_run_doc, jobs_list[:1] * jobs))
            rows = list(pool.map(_run_doc, jobs_list, chunksize=4))
    results = {}
    for name in names:
        pred_path = OUT / f"{set_dir.name}.{name}.jsonl"
        if not rescore:
            with pred_path.open("w", encoding="utf-8") as f:
                for doc_id, per in rows:
                    f.write(json.dumps({"id": doc_id, **per[name][0]}, ensure_ascii=False) + "\n")
        scored = subprocess.run(
            [sys.executable, str(SCORER), str(truth_path), str(pred_path), "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        scores = json.loads(scored.stdout)
        if rows:
            scores["ms_per_doc"] = 1000 * sum(per[name][1] for _, per in rows) / max(1, len(rows))
        if FOLDS > 1:
            folds, publishers = fold_scores(truth, set_dir / "pages", pred_path, SCORER, FOLDS, OUT)
            scores["folds"] = folds
            scores["fold_publishers"] = publishers
        results[name] = scores
    return results


def print_set(set_name: str, results: dict[str, dict[str, Any]], names: list[str]) -> None:
    """The set's figures per extractor; with folds, each as mean [lowest fold, highest fold]."""
    first = next(iter(results.values()))
    keys = [k for k in first if k not in ("documents", "missing", "folds", "fold_publishers")]
    print(f"\n## {set_name} ({first['documents']} documents)")
    if "folds" not in first:
        print(f"{'metric':>20} " + " ".join(f"{n:>12}" for n in names))
        for key in keys:
            cells = " ".join(f"{results[n].get(key, float('nan')):>12.3f}" for n in names)
            print(f"{key:>20} {cells}")
        return
    sizes = ", ".join(str(f["documents"]) for f in first["folds"])
    print(f"{len(first['folds'])} publisher folds (documents {sizes}; publishers {first['fold_publishers']})")
    print(f"{'metric':>20} " + " ".join(f"{n + ' all / mean [min, max]':>36}" for n in names))
    for key in keys:
        cells = []
        for n in names:
            whole = results[n].get(key, float("nan"))
            s = spread(results[n]["folds"], key)
            cell = f"{whole:.3f}" + (f" / {s.mean:.3f} [{s.low:.3f}, {s.high:.3f}]" if s else "")
            cells.append(f"{cell:>36}")
        print(f"{key:>20} " + " ".join(cells))


def main() -> int:
    global OUT, FOLDS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default="", help="comma-separated set names (default: all)")
    ap.add_argument("--limit", type=int, default=None, help="first N documents of each set")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--extractors", default="ours,trafilatura,newspaper4k,readability")
    ap.add_argument("--out", type=Path, default=OUT, help="directory for predictions (default: bench/out)")
    ap.add_argument("--folds", type=int, default=5, help="publisher folds per set (1: none)")
    ap.add_argument("--rescore", action="store_true", help="score the predictions in --out, extract nothing")
    args = ap.parse_args()
    OUT = args.out.resolve()
    FOLDS = max(1, args.folds)
    OUT.mkdir(parents=True, exist_ok=True)
    # Generated files: keep them out of git without touching the repo's .gitignore.
    (OUT / ".gitignore").write_text("*\n", encoding="utf-8")
    names = [n for n in args.extractors.split(",") if n in EXTRACTORS and available(n)]
    skipped = [n for n in args.extractors.split(",") if n not in names]
    if skipped:
        print(f"skipped (not installed): {', '.join(skipped)}", file=sys.stderr)
    root = SHARED / "evaldata"
    sets = [s for s in args.sets.split(",") if s] or sorted(p.name for p in root.iterdir() if p.is_dir())
    all_results = {}
    for set_name in sets:
        results = run_set(root / set_name, names, args.limit, args.jobs, args.rescore)
        all_results[set_name] = results
        print_set(set_name, results, names)
    (OUT / "summary.json").write_text(json.dumps(all_results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
