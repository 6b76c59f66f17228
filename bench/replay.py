"""Replay rewriting cost on real news pages, against parsing and serialising them alone.

Run by hand:

    python bench/replay.py [--limit N] [--set fundus-dev]

For each stored real page (../shared/evaldata/<set>/pages/*.html.gz) it
times, in this process and in alternation, the baseline (decode, parse with
lxml, serialise: what any re-serialising replay pays) and the replay rewrite
(newsarchive.crawler.web.replay_rewrite.rewrite_html, with an archive that
holds every resource, the most work). It prints the median per page of each,
their ratio, and what the rewrite removed or kept, so the cost of making a
page inert reads against the cost of merely re-serialising it. Noisy on a
shared machine: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))
if not (SHARED / "evaldata").is_dir():
    SHARED = Path("/work/shared")


def main() -> None:
    import lxml.html

    from newsarchive.crawler.extract.page.encoding import decode_html
    from newsarchive.crawler.web.replay_rewrite import rewrite_html

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="fundus-dev")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages = sorted((SHARED / "evaldata" / args.set / "pages").glob("*.html.gz"))
    if args.limit:
        pages = pages[: args.limit]
    if not pages:
        sys.exit(f"no pages under {SHARED / 'evaldata' / args.set / 'pages'}")

    def baseline(body: bytes) -> str:
        return lxml.html.tostring(lxml.html.document_fromstring(decode_html(body)), encoding="unicode")

    def rewrite(body: bytes, url: str) -> str:
        return rewrite_html(body, url, lambda urls: urls, lambda u, m: f"/web/20260101000000{m}/{u}")

    base_times: list[float] = []
    rewrite_times: list[float] = []
    scripts_in = scripts_out = 0
    for path in pages:
        body = gzip.decompress(path.read_bytes())
        url = f"https://{path.name.split('_')[0]}.example/article.html"
        best_base = best_rewrite = float("inf")
        for _ in range(args.rounds):
            start = time.perf_counter()
            baseline(body)
            best_base = min(best_base, time.perf_counter() - start)
            start = time.perf_counter()
            out = rewrite(body, url)
            best_rewrite = min(best_rewrite, time.perf_counter() - start)
        base_times.append(best_base)
        rewrite_times.append(best_rewrite)
        scripts_in += body.lower().count(b"<script")
        scripts_out += out.lower().count("<script")
    base, rewritten = statistics.median(base_times), statistics.median(rewrite_times)
    print(f"pages: {len(pages)} from {args.set}; load average {os.getloadavg()[0]:.1f}")
    print(f"parse + serialise (baseline): median {base * 1000:.1f} ms a page")
    print(
        f"replay rewrite:               median {rewritten * 1000:.1f} ms a page ({rewritten / base:.2f}x the baseline)"
    )
    print(f"<script> tags in: {scripts_in}, out: {scripts_out}")


if __name__ == "__main__":
    main()
