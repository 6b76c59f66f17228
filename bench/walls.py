"""Wall and junk detection: precision on real articles, recall on wall pages.

Run by hand:

    python bench/walls.py [--limit N] [--jobs N]

Precision: every evaluation page (../shared/evaldata/<set>/pages/*.html.gz,
all of them real articles) is extracted and its page kind counted; any kind
but "article" is listed. "empty" there means the extractor found no text at
all (an extraction failure, recorded as a failure before walls existed); any
other kind is an article taken for a wall, and must be none.

Recall: every page under tests/extract/fixtures/walls/ is named
<kind>.<name>.html; the detector must give that kind (walls, and the
listings: section_front, tag_page, gallery_index). Evaluation pages are
extracted with their own URL (truth.jsonl): a listing's teasers are links
that stay on the page's site.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))
if not (SHARED / "evaldata").is_dir():
    SHARED = Path("/work/shared")
WALLS = ROOT / "tests" / "extract" / "fixtures" / "walls"
LISTING_KINDS = ("section_front", "tag_page", "gallery_index")
SETS = ("scrapinghub", "wcxb-dev-articles", "fundus-dev")


FIXTURE_URL = "https://example.com/a.html"


def _page_urls(set_dir: Path) -> dict[str, str]:
    """Each evaluation page's own URL: listing detection reads which links stay on the page's site."""
    import json

    with (set_dir / "truth.jsonl").open(encoding="utf-8") as f:
        return {str(row["id"]): row["url"] for row in map(json.loads, filter(str.strip, f))}


def _kind(job: tuple[Path, str]) -> tuple[str, str, int]:
    from datetime import UTC, datetime

    from newsarchive.crawler.extract import extract_article

    path, url = job
    raw = path.read_bytes()
    html = gzip.decompress(raw) if path.suffix == ".gz" else raw
    article = extract_article(html, url, fetched_at=datetime(2025, 1, 1, tzinfo=UTC))
    return str(path), article.kind, len(article.text.split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="evaluation pages per set")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    pages = []
    for s in SETS:
        urls = _page_urls(SHARED / "evaldata" / s)
        found_pages = sorted((SHARED / "evaldata" / s / "pages").glob("*.html.gz"))[: args.limit]
        pages += [(p, urls.get(p.name.removesuffix(".html.gz"), FIXTURE_URL)) for p in found_pages]
    walls = [(p, FIXTURE_URL) for p in sorted(WALLS.glob("*.html"))]
    with ProcessPoolExecutor(args.jobs) as pool:
        real = list(pool.map(_kind, pages, chunksize=8))
        found = list(pool.map(_kind, walls))

    kinds = Counter(kind for _, kind, _ in real)
    taken = [(p, k, w) for p, k, w in real if k not in ("article", "empty")]
    print(f"evaluation pages: {len(real)}; kinds: {dict(sorted(kinds.items()))}")
    for path, kind, words in real:
        if kind != "article":
            print(f"  {kind:<13} {words:>5} words  {Path(path).name}")
    print(f"articles taken for a wall: {len([t for t in taken if t[1] not in LISTING_KINDS])} of {len(real)}")
    print(
        f"articles taken for a listing (false 'not article'): {len([t for t in taken if t[1] in LISTING_KINDS])}"
    )

    right = Counter()
    total = Counter()
    for path, kind, _ in found:
        want = Path(path).name.split(".")[0]
        total[want] += 1
        right[want] += kind == want
        if kind != want:
            print(f"  missed: {Path(path).name} read as {kind}")
    for want in sorted(total):
        print(f"  {want:<13} {right[want]}/{total[want]}")
    print(f"wall and listing pages recognised: {sum(right.values())} of {sum(total.values())}")
    return 0 if not taken else 1


if __name__ == "__main__":
    raise SystemExit(main())
