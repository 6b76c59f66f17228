"""Where the titles come from: each title source's hit rate, the ceiling, and the kinds of misses.

Run by hand:

    python bench/title_sources.py [--sets fundus-dev,wcxb-dev-articles] [--list] [--jobs N]

For every page whose truth has a title, the page is extracted once with the
candidates handed to the headline chooser recorded (JSON-LD and microdata
headline, og:title, twitter:title, <title>, the h1s). It prints:

- how often each source alone, site name removed, equals the truth ("always
  take og:title" and so on), and how often any of them does (the ceiling of
  choosing among what the page states);
- our misses by kind, each with a few page ids: only punctuation or quote
  marks differ (the scorer does not fold ’ into '); the truth is another
  source of the page (another wording, or ours with a kicker, subtitle or
  tagline more or less); the truth is part of a source cut elsewhere; the
  truth is in no source.

``--list`` prints every miss with all its sources. A miss of the second
kind is a choice between headlines the page itself states; which one the
truth holds depends on the set's annotation (a publisher-specific parser's
field for fundus, the visible headline for wcxb), see docs/extraction.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))
from _extract import REFERENCE  # noqa: E402

SOURCES = ("jsonld_headline", "microdata_headline", "og_title", "twitter_title", "html_title")
# Typographic quotes and dashes the scorer keeps apart from their plain forms.
_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u200b": ""})


def norm(text: str | None) -> str:
    """The scorer's comparison (shared/eval/score.py)."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def candidates(args: tuple[str, str, str]) -> tuple[str, dict[str, Any]]:
    """The page's title candidates as the extractor hands them to choose_title."""
    import newsarchive.crawler.extract.core as core
    from newsarchive.crawler.extract import extract_article

    page, url, doc_id = args
    seen: dict[str, Any] = {}
    chooser = core.choose_title

    def recording(**kw: Any) -> str | None:
        seen.update(kw)
        return chooser(**kw)

    with gzip.open(page) as f:
        html = f.read()
    core.choose_title = recording  # this worker process only
    try:
        extract_article(html, url, fetched_at=REFERENCE)
    finally:
        core.choose_title = chooser
    return doc_id, seen


def cleaned_sources(kw: dict[str, Any]) -> dict[str, str]:
    """Each source alone as a title: repaired, the site name removed, polished."""
    from newsarchive.crawler.extract.titles.title_strings import (
        clean_space,
        fix_text,
        polish,
        strip_site_name,
    )

    h1s = kw.get("article_h1s") or kw.get("h1s") or []
    raw = {name: kw.get(name) for name in SOURCES} | {"h1": h1s[0] if h1s else None}
    out = {}
    for name, value in raw.items():
        text = fix_text(value)
        if text:
            title = polish(clean_space(strip_site_name(text, kw["sites"], kw["url"])), kw["url"])
            if title:
                out[name] = title
    return out


def kind_of(truth: str, ours: str | None, sources: dict[str, str], raw: list[str]) -> str:
    from newsarchive.crawler.extract.keys import squash

    t, p = squash(truth), squash(ours)
    if not ours:
        return "no title"
    if t == p or norm(truth.translate(_PLAIN)) == norm(ours.translate(_PLAIN)):
        return "punctuation, quote marks or invisible characters only"
    keys = {squash(s) for s in sources.values()} | {squash(r) for r in raw}
    if t in keys:
        if p.startswith(t) or p.endswith(t):
            return "truth is another source: ours has a kicker, subtitle or tail more"
        if t.startswith(p) or t.endswith(p):
            return "truth is another source: ours lacks its kicker, tagline or site name"
        return "truth is another source: another wording of the headline"
    if any(k.startswith(t) or k.endswith(t) for k in keys):
        return "truth is part of a source, cut elsewhere"
    return "truth is in no source"


def report(set_dir: Path, jobs: int, listing: bool) -> None:
    from newsarchive.crawler.extract.titles.headline import choose_title
    from newsarchive.crawler.extract.titles.title_strings import fix_text

    rows = [json.loads(line) for line in (set_dir / "truth.jsonl").open(encoding="utf-8") if line.strip()]
    rows = [r for r in rows if r.get("title")]
    work = [(str(set_dir / "pages" / f"{r['id']}.html.gz"), r.get("url") or "", str(r["id"])) for r in rows]
    with ProcessPoolExecutor(jobs) as pool:
        found = dict(pool.map(candidates, work, chunksize=8))
    hits: Counter[str] = Counter()
    ceiling = right = 0
    kinds: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        kw = found[str(row["id"])]
        truth = row["title"]
        ours = choose_title(**kw)
        sources = cleaned_sources(kw)
        for name, title in sources.items():
            hits[name] += norm(title) == norm(truth)
        ceiling += norm(ours) == norm(truth) or any(norm(s) == norm(truth) for s in sources.values())
        if norm(ours) == norm(truth):
            right += 1
            continue
        raw = [t for t in (fix_text(kw.get(n)) for n in SOURCES) if t] + [
            t for t in (fix_text(h) for h in kw.get("h1s") or []) if t
        ]
        kinds[kind_of(truth, ours, sources, raw)].append(str(row["id"]))
        if listing:
            print(f"{row['id']}\n  truth {truth!r}\n  ours  {ours!r}")
            for name, title in sources.items():
                print(f"  {name:>18} {title!r}")
    n = len(rows)
    print(f"## {set_dir.name}: {n} pages with a title; ours {right / n:.3f}")
    print("  each source alone: " + ", ".join(f"{k} {v / n:.3f}" for k, v in hits.most_common()))
    print(f"  ceiling (ours or any one source right): {ceiling / n:.3f}")
    for kind, ids in sorted(kinds.items(), key=lambda item: -len(item[1])):
        print(f"  {len(ids):4d}  {kind}  e.g. {', '.join(ids[:4])}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default="fundus-dev,wcxb-dev-articles")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true", help="print every miss with its sources")
    args = ap.parse_args()
    for name in args.sets.split(","):
        report(SHARED / "evaldata" / name, args.jobs, args.list)
    return 0


if __name__ == "__main__":
    sys.exit(main())
