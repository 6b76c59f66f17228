"""Accuracy of the language detector on the evaluation pages that declare their language.

    python bench/language.py [--shared /work/shared]

For every evaluation page whose markup declares a language (`<html lang>`,
meta tags, as the extractor reads it), the detector
(newsarchive.crawler.extract.language) is given the page's article text as
the evaluation set has it, with the headline, as the extractor gives it,
and its answer compared with the declared primary tag ("en-GB" counts as
"en"). Printed: accuracy and coverage at the shipped confidence and length
cut-offs, and at others, so the cut-offs are chosen by what they cost; the
pages where they disagree, to read (a page may declare the wrong language).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsarchive.crawler.extract import language as detector  # noqa: E402
from newsarchive.crawler.extract.page.meta import language, meta_tags  # noqa: E402
from newsarchive.crawler.extract.page.parsing import parse_html  # noqa: E402

SETS = ("fundus-dev", "wcxb-dev-articles", "scrapinghub")
CONFIDENCES = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
SHORT = (3, 5, 10, 15, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("/work/shared"))
    parser.add_argument("--show", type=int, default=10, help="Print this many disagreements.")
    args = parser.parse_args()
    rows = []  # (page, declared, detected, probability)
    short: dict[int, list[tuple[str, str, float]]] = {size: [] for size in SHORT}
    started = time.perf_counter()
    for name in SETS:
        folder = args.shared / "evaldata" / name
        for line in (folder / "truth.jsonl").read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            row = json.loads(line)
            path = folder / "pages" / f"{row['id']}.html.gz"
            body = row.get("body") or row.get("articleBody") or ""
            if not path.exists() or not body.strip():
                continue
            tree = parse_html(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
            declared = language(tree, meta_tags(tree), None) if tree is not None else None
            if not declared:
                continue
            text = f"{row.get('title') or ''}\n{body}"
            found, probability = detector.detect_with_confidence(text)
            primary = declared.split("-")[0].lower()
            rows.append((f"{name}/{row['id']}", primary, found, probability))
            # The same text cut short: what the length cut-off (MIN_WORDS) guards against.
            tokens = body.split()
            for size in SHORT:
                if len(tokens) >= size:
                    guess, score = detector.identifier().classify(" ".join(tokens[:size]))
                    short[size].append((primary, str(guess), float(score)))
    took = time.perf_counter() - started
    print(f"{len(rows)} pages declare a language ({dict(Counter(r[1] for r in rows).most_common())})")
    print(f"detected in {took:.1f} s with parsing; load {os.getloadavg()}")
    print("\n| min. confidence | pages answered | of which right | accuracy |\n|---:|---:|---:|---:|")
    for threshold in CONFIDENCES:
        answered = [r for r in rows if r[2] is not None and r[3] >= threshold]
        right = sum(1 for r in answered if r[2] == r[1])
        mark = " (shipped)" if threshold == detector.MIN_CONFIDENCE else ""
        accuracy = right / len(answered) if answered else 0.0
        print(f"| {threshold}{mark} | {len(answered)} of {len(rows)} | {right} | {accuracy:.3f} |")
    print("\n| first words of the text | accuracy, any confidence | at 0.9 or more: answered, accuracy |")
    print("|---:|---:|---:|")
    for size, found in short.items():
        right = sum(1 for want, got, _ in found if want == got)
        sure = [(w, g) for w, g, p in found if p >= detector.MIN_CONFIDENCE]
        sure_right = sum(1 for w, g in sure if w == g)
        print(
            f"| {size} | {right / len(found):.3f} | {len(sure)} of {len(found)}, "
            f"{sure_right / len(sure) if sure else 0:.3f} |"
        )
    wrong = [r for r in rows if r[2] is not None and r[3] >= detector.MIN_CONFIDENCE and r[2] != r[1]]
    for page, declared, found, probability in wrong[: args.show]:
        print(f"  {page}: declared {declared}, detected {found} ({probability:.2f})")


if __name__ == "__main__":
    main()
