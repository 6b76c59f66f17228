"""Disk saved by lean WARC: revisit records instead of full copies on a revisit-heavy crawl.

Run by hand:

    python bench/lean_warc.py [--pages 500] [--rounds 2]

The crawl benchmark's site (bench/_site.py: real article pages under distinct
URLs, a feed and a news sitemap), served *without* validators: no ETag, and
If-Modified-Since ignored, so every re-fetch is a 200 with the whole page, as
many news sites answer. In one run, twice over the same pages, once with
revisit records (the default) and once without (-s NEWSARCHIVE_WARC_REVISITS=False):

1. crawl     `newsarchive crawl --no-throttle`: every page fetched once;
2. revisit   every article made due, then `newsarchive revisit --no-throttle`,
             --rounds times: every page fetched again, unchanged.

It prints the bytes of the WARC directory after the crawl and after the
revisits, the bytes the revisits added, the records by type, and the ratio
of the lean archive's revisit bytes to the full one's (the baseline measured
in the same run). Disk use does not depend on the machine's load, but the
load average is printed as every benchmark here does.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))

from _archive import make_all_due, newsarchive  # noqa: E402
from _site import BenchSite, source_pages  # noqa: E402


def warc_bytes(home: Path) -> int:
    return sum(path.stat().st_size for path in (home / "warc").glob("*.warc.gz"))


def record_types(home: Path) -> Counter[str]:
    from warcio.archiveiterator import ArchiveIterator

    found: Counter[str] = Counter()
    for path in sorted((home / "warc").glob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                found[record.rec_type] += 1
    return found


def children_cpu() -> float:
    # The commands' CPU and their reaped extraction workers', once each has exited.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str]) -> float:
    """Run one newsarchive command; its CPU seconds (interpreter start-up included)."""
    before = children_cpu()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[3:6])} failed:\n{done.stderr[-2000:]}")
    return children_cpu() - before


@dataclass
class Disk:
    after_crawl: int
    after: int
    records: Counter[str]
    crawl_cpu: float = 0.0
    revisit_cpu: float = 0.0

    @property
    def added(self) -> int:
        return self.after - self.after_crawl


def measure(work: Path, sources: Path, lean: bool, rounds: int) -> Disk:
    home = work / ("lean" if lean else "full")
    db_url = f"sqlite:///{home}.db"
    setting = ["-s", f"NEWSARCHIVE_WARC_REVISITS={lean}"]
    crawl_cpu = run(
        newsarchive(home, db_url, "crawl", "--sources", str(sources), "--no-throttle", "--json", *setting)
    )
    after_crawl = warc_bytes(home)
    revisit_cpu = 0.0
    for _ in range(rounds):
        make_all_due(db_url)
        revisit_cpu += run(newsarchive(home, db_url, "revisit", "--no-throttle", "--json", *setting))
    return Disk(after_crawl, warc_bytes(home), record_types(home), crawl_cpu, revisit_cpu)


def html_bytes(root: Path) -> int:
    return sum(path.stat().st_size for path in (root / "docroot").rglob("*.html"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2, help="revisit passes after the crawl")
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="na-lean-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # nginx's workers run as an unprivileged user
        (work / "site").mkdir()
        site = BenchSite(work / "site", conditional=False)
        site.start(source_pages(SHARED), args.pages)
        try:
            sources = work / "sources.toml"
            sources.write_text(
                f'[[source]]\nname = "bench"\nfeeds = ["{site.base_url}/rss.xml"]\n'
                f'sitemaps = ["{site.base_url}/news-sitemap.xml"]\n'
            )
            full = measure(work, sources, lean=False, rounds=args.rounds)
            lean = measure(work, sources, lean=True, rounds=args.rounds)
            served = html_bytes(work / "site")
        finally:
            site.stop()
    print(
        f"lean WARC: {args.pages} pages ({served / 1e6:.1f} MB of HTML, {site.server}), crawl + {args.rounds} unchanged revisit passes"
    )
    print(
        f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(f"{'':24}{'full copies':>16}{'revisit records':>18}{'ratio':>8}")
    for label, baseline, ours in (
        ("WARC bytes after crawl", full.after_crawl, lean.after_crawl),
        ("bytes added by revisits", full.added, lean.added),
        ("WARC bytes in all", full.after, lean.after),
    ):
        print(f"{label:24}{baseline:>16,}{ours:>18,}{(ours / baseline if baseline else 0):>8.3f}")
    print(f"records, full copies:     {dict(full.records)}")
    print(f"records, revisit records: {dict(lean.records)}")
    saved = (full.added - lean.added) / max(1, args.pages * args.rounds)
    print(f"saved per unchanged re-fetch: {saved:,.0f} bytes")
    # CPU of the whole commands (start-up included), so an upper bound per page;
    # an unchanged 200 skips extraction (same bytes as the latest version).
    fetches = max(1, args.pages * args.rounds)
    print(
        f"CPU ms per page, whole command: crawl {1000 * full.crawl_cpu / args.pages:.1f} (full)"
        f" {1000 * lean.crawl_cpu / args.pages:.1f} (lean); unchanged 200 revisit"
        f" {1000 * full.revisit_cpu / fetches:.1f} (full) {1000 * lean.revisit_cpu / fetches:.1f} (lean)"
    )


if __name__ == "__main__":
    main()
