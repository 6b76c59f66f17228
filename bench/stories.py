"""Precision and recall of story clusters on pairs built from the evaluation pages.

    python bench/stories.py [--shared /work/shared] [--pairs 120] [--seed 17]

Same-story pairs: an evaluation page, and a copy of its story lightly edited
(a word changed here and there, a paragraph dropped, an agency credit and a
sign-off added, as outlets running a wire story do) and re-wrapped in
another publisher's page template (its header, navigation and furniture,
the article's paragraphs in place of the template page's own). Both go
through our extractor, as a crawl would take them. Different-story pairs:
the page and the evaluation page in the same language whose text shares
the most words with it (a related topic, often the same publisher and
template). Pairs are split by publisher into a tuning half and a test half
(bench/_edits.half); shingle size and the similarity threshold are chosen
on the tuning half (best F1) and reported on the test half, with the LSH
band collision the archive needs before it compares two articles at all.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lxml.html  # noqa: E402

from bench._edits import half  # noqa: E402
from newsarchive.crawler.extract.core import extract_article  # noqa: E402
from newsarchive.storage.stories import clusters, minhash  # noqa: E402

SETS = ("fundus-dev", "wcxb-dev-articles")
REFERENCE = datetime(2026, 11, 1)
SHINGLES = (2, 3, 4, 5)
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


@dataclass
class Page:
    id: str
    host: str
    url: str
    html: bytes
    body: str
    title: str


def load(shared: Path) -> list[Page]:
    pages = []
    for name in SETS:
        for line in (shared / "evaldata" / name / "truth.jsonl").read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            row = json.loads(line)
            body = row.get("body") or ""
            path = shared / "evaldata" / name / "pages" / f"{row['id']}.html.gz"
            if len(body.split()) < 150 or not path.exists() or not row.get("title"):
                continue
            url = row.get("url") or f"https://{row['id']}.example/"
            host = re.sub(r"^www\.", "", url.split("/")[2].lower())
            pages.append(
                Page(f"{name}/{row['id']}", host, url, gzip.decompress(path.read_bytes()), body, row["title"])
            )
    return pages


def light_edit(paragraphs: list[str], rng: random.Random) -> list[str]:
    out = list(paragraphs)
    if len(out) > 4:
        out.pop(rng.randrange(1, len(out)))
    for _ in range(3):
        i = rng.randrange(len(out))
        words = out[i].split()
        if len(words) > 3:
            words[rng.randrange(len(words))] = rng.choice(("said", "told", "reported", "also"))
            out[i] = " ".join(words)
    out[0] = f"({rng.choice(('AP', 'Reuters', 'AFP', 'dpa'))}) — " + out[0]
    out.append("This story was provided by a news agency and edited for length.")
    return out


def rewrap(template: Page, title: str, paragraphs: list[str]) -> bytes:
    """`template`'s page with its article paragraphs and headline replaced by these."""
    doc = lxml.html.document_fromstring(template.html)
    # The template's article container: the element holding the most paragraphs.
    holders = Counter(p.getparent() for p in doc.iter("p") if p.getparent() is not None)
    if not holders:
        raise ValueError("no paragraphs")
    container = holders.most_common(1)[0][0]
    for p in [p for p in container if p.tag == "p"]:
        container.remove(p)
    for text in paragraphs:
        p = lxml.html.Element("p")
        p.text = text
        container.append(p)
    for h1 in doc.iter("h1"):
        h1.text, h1[:] = title, []
        break
    for t in doc.iter("title"):
        t.text = title
    return lxml.html.tostring(doc, encoding="utf-8")


def extract(html: bytes, url: str) -> str:
    article = extract_article(html.decode("utf-8", "replace"), url, fetched_at=REFERENCE)
    return article.text or ""


def words(text: str) -> set[str]:
    return set(minhash.words(text))


def background(pages: list[Page], rng: random.Random, pairs: int = 3000) -> None:
    """Unrelated pages (random pairs of the evaluation texts): how often would they even be compared?

    What the pairs above cannot show: in an archive of N articles a new one
    is compared with every article it shares a band with, and unrelated
    articles sharing common phrases ("of the", "said on") crowd the
    candidates. Printed per shingle size: the mean similarity of random
    pairs and the share sharing a band (times N: candidates per new article).
    """
    print(f"\nrandom pairs of unrelated evaluation texts ({pairs}):")
    for size in SHINGLES:
        sims, banded = [], 0
        for _ in range(pairs):
            a, b = rng.sample(pages, 2)
            sa, sb = minhash.signature(a.body, size=size), minhash.signature(b.body, size=size)
            if sa is None or sb is None:
                continue
            sims.append(sa.similarity(sb))
            banded += bool(set(enumerate(sa.band_hashes())) & set(enumerate(sb.band_hashes())))
        share = banded / len(sims)
        print(
            f"  {size}-word shingles: mean similarity {sum(sims) / len(sims):.4f}, max {max(sims):.3f}; "
            f"sharing a band {banded} of {len(sims)} (about {share * 100_000:.0f} candidates per new article at 100k)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("/work/shared"))
    parser.add_argument("--pairs", type=int, default=120)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--cache", type=Path, help="Keep the extracted pairs here (JSON) and reuse them.")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pages = load(args.shared)
    chosen = rng.sample(pages, min(args.pairs, len(pages)))
    print(f"{len(pages)} pages; {len(chosen)} pairs of each kind; load {os.getloadavg()}", flush=True)
    vocab = {p.id: words(p.body) for p in pages}
    started = time.perf_counter()
    cache: dict[str, str] = {}

    def text_of(page: Page) -> str:
        if page.id not in cache:
            cache[page.id] = extract(page.html, page.url)
        return cache[page.id]

    same: list[tuple[str, str, str]] = []  # (host, text a, text b)
    different: list[tuple[str, str, str]] = []
    if args.cache and args.cache.exists():
        saved = json.loads(args.cache.read_text())
        same, different = [tuple(x) for x in saved["same"]], [tuple(x) for x in saved["different"]]
        chosen = []
    for page in chosen:
        template = rng.choice([p for p in pages if p.host != page.host])
        paragraphs = [p for p in text_of(page).split("\n") if p.strip()]
        try:
            copy = rewrap(template, page.title, light_edit(paragraphs, rng))
        except ValueError:
            continue
        same.append((page.host, text_of(page), extract(copy, template.url)))
        # The most similar other story in the evaluation pages (by shared words).
        mine = vocab[page.id]
        other = max(
            (p for p in pages if p.id != page.id and p.title != page.title),
            key=lambda p: len(mine & vocab[p.id]) / (len(mine | vocab[p.id]) or 1),
        )
        different.append((page.host, text_of(page), text_of(other)))
    print(f"extracted in {time.perf_counter() - started:.0f} s", flush=True)
    if args.cache and not args.cache.exists():
        args.cache.write_text(json.dumps({"same": same, "different": different}))
    background(pages, rng)

    def scored(size: int) -> list[tuple[str, bool, float, bool]]:
        out = []
        for label, pairs in ((True, same), (False, different)):
            for host, a, b in pairs:
                sa, sb = minhash.signature(a, size=size), minhash.signature(b, size=size)
                if sa is None or sb is None:
                    out.append((host, label, 0.0, False))
                    continue
                band = bool(set(enumerate(sa.band_hashes())) & set(enumerate(sb.band_hashes())))
                out.append((host, label, sa.similarity(sb), band))
        return out

    def table(rows: list[tuple[str, bool, float, bool]], threshold: float) -> tuple[float, float, float]:
        tp = sum(1 for _, label, s, band in rows if label and band and s >= threshold)
        fp = sum(1 for _, label, s, band in rows if not label and band and s >= threshold)
        fn = sum(1 for _, label, s, band in rows if label and not (band and s >= threshold))
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    results = {size: scored(size) for size in SHINGLES}
    best = max(
        ((size, t) for size in SHINGLES for t in THRESHOLDS),
        key=lambda st: (
            table([r for r in results[st[0]] if half(r[0]) == "tune"], st[1])[2],
            -abs(st[1] - 0.5),
        ),
    )
    print(
        f"tuned on the tuning half: {minhash.SHINGLE=} vs best shingle {best[0]}, "
        f"{clusters.SAME_STORY=} vs best threshold {best[1]}"
    )
    for size in SHINGLES:
        tune_rows = [r for r in results[size] if half(r[0]) == "tune"]
        best_t = max(THRESHOLDS, key=lambda t: (table(tune_rows, t)[2], -abs(t - 0.5)))
        print(
            f"  {size}-word shingles: best threshold on the tuning half {best_t} (F1 {table(tune_rows, best_t)[2]:.3f})"
        )
    print(
        "\n| shingle words | threshold | precision | recall | F1 | (test half) |\n|---:|---:|---:|---:|---:|---|"
    )
    for size in SHINGLES:
        for t in THRESHOLDS:
            p, r, f = table([x for x in results[size] if half(x[0]) == "test"], t)
            mark = " shipped" if (size, t) == (minhash.SHINGLE, clusters.SAME_STORY) else ""
            print(f"| {size} | {t} | {p:.3f} | {r:.3f} | {f:.3f} |{mark} |")
    shipped = results[minhash.SHINGLE]
    for name, label in (("same story", True), ("different stories", False)):
        values = sorted(s for _, lab, s, _ in shipped if lab == label)
        banded = sum(1 for _, lab, _, b in shipped if lab == label and b)
        if values:
            print(
                f"{name}: {len(values)} pairs, similarity min {values[0]:.2f} median {values[len(values) // 2]:.2f} "
                f"max {values[-1]:.2f}; sharing a band {banded}"
            )
    p, r, f = table(shipped, clusters.SAME_STORY)
    print(f"all pairs, shipped settings: precision {p:.3f} recall {r:.3f} F1 {f:.3f}; load {os.getloadavg()}")


if __name__ == "__main__":
    main()
