"""Crawl throughput on one machine: fetch ceiling, extraction ceiling, end to end, revisit.

Run by hand:

    python bench/crawl.py [--pages 2000] [--db URL] [--keep]

A local site (nginx on a free port; Python's static server if nginx is
missing) serves --pages real article pages (the shared evaluation pages,
repeated under distinct URLs) plus an RSS feed and a news sitemap. In one
run, on the same pages:

1. fetch     raw Scrapy, nothing done with the bodies (bench/_fetch.py);
2. extract   plain trafilatura with metadata in a pool of one process per core;
   ours      the same with our extractor (what the crawl really runs);
3. crawl     `newsarchive crawl --no-throttle` over a sources file naming the
             feed and the sitemap: fetch, extract, dedup, WARC, database;
4. recrawl   the same command again, nothing changed (all URLs already archived);
   revisit   every article made due, then `newsarchive revisit --no-throttle`
             (conditional GETs: nginx answers 304, nothing is re-extracted).
5. redis     with --redis URL: the same crawl by N distributed workers
             (`enqueue`, then N x `crawl --redis`) into a fresh archive on the
             same database server, for each N in --redis-workers (e.g. 1,2).

--no-throttle is the crawl command's switch for a host you own: no
DOWNLOAD_DELAY, no AutoThrottle, 16 requests per host (crawler/crawl/crawling.py
NO_THROTTLE); robots.txt is still obeyed (the site allows everything).

Rates are pages per second of crawl time (the CrawlRun's start to finish,
so interpreter start-up is excluded; wall time including it is printed
too). On PostgreSQL the server's CPU during each step (its processes and the
backends they reaped) is printed too, and the CPU ratio with it: SQLite's
work is inside the crawl process, PostgreSQL's is not, and on a 2-core
machine both compete with extraction.
Peak RSS is the crawl's process tree (the crawl process plus its
extraction workers), sampled every 0.2 s with psutil, also reported per
process (bench/_tree.py); --rss-trace FILE writes the crawl step's samples,
one a line, to see whether a process grows with the pass or levels off.
The machine is shared: compare the ratios of one run, and note the load
average printed. Modules: _site (nginx and the pages), _tree (process-tree
measurement), _archive (database helpers), _report, _workers (--redis).
--db postgresql://... runs on a fresh schema of that server, dropped after.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))

from _archive import (  # noqa: E402
    archive_counts,
    database_server_cpu,
    last_run_seconds,
    make_all_due,
    newsarchive,
    pg_schema,
)
from _extract import pool_rate  # noqa: E402
from _report import Measured, report  # noqa: E402
from _site import BenchSite, source_pages  # noqa: E402
from _tree import run_tree  # noqa: E402
from _workers import measure_workers  # noqa: E402


def measure_crawl(
    name: str, home: Path, db_url: str, command: list[str], pages: int, trace: Path | None = None
) -> Measured:
    server_before = database_server_cpu(db_url)
    run = run_tree(newsarchive(home, db_url, *command), trace=trace)
    server_after = database_server_cpu(db_url)
    seconds, stats = last_run_seconds(db_url)
    totals = stats.get("totals", {})
    fetched = totals.get("fetched", 0)
    detail = ", ".join(f"{k} {v}" for k, v in totals.items() if v)
    return Measured(
        name,
        fetched if fetched else pages,
        seconds,
        run.wall,
        run.peak_rss_mb,
        detail,
        run.cpu,
        run.per_process,
        server_after - server_before if server_after is not None and server_before is not None else None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary directory)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="extraction ceiling pool")
    parser.add_argument(
        "--skip", default="", help="comma-separated steps to skip: fetch,extract,ours,revisit"
    )
    parser.add_argument("--json", dest="json_out", help="also write the results to this JSON file")
    parser.add_argument("--redis", help="Redis URL: also measure distributed workers")
    parser.add_argument("--redis-workers", default="1,2", help="worker counts to measure with --redis")
    parser.add_argument(
        "--rss-trace", type=Path, help="write the crawl step's RSS per process, one sample a line, here"
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="na-bench-") as tmp:
        tmp_path = Path(tmp)
        tmp_path.chmod(0o755)  # nginx's workers run as an unprivileged user
        site = BenchSite(tmp_path / "site")
        (tmp_path / "site").mkdir()
        site.start(source_pages(SHARED), args.pages)
        drop = None
        try:
            db_url = args.db or f"sqlite:///{tmp_path / 'archive.db'}"
            db_label = "sqlite"
            if db_url.startswith("postgresql"):
                db_url, drop = pg_schema(db_url)
                db_label = "postgresql"
            results: list[Measured] = []
            urls_file = tmp_path / "urls.txt"
            urls_file.write_text("\n".join(site.urls))
            if "fetch" not in skip:
                run = run_tree([sys.executable, str(BENCH / "_fetch.py"), str(urls_file), "16"])
                data = json.loads(run.out.strip().splitlines()[-1])
                results.append(
                    Measured(
                        "fetch (raw Scrapy)",
                        data["pages"],
                        data["seconds"],
                        run.wall,
                        run.peak_rss_mb,
                        cpu=run.cpu,
                    )
                )
            docs = sorted((tmp_path / "site" / "docroot" / "news").rglob("*.html"))
            if "extract" not in skip:
                n, seconds, cpu = pool_rate(docs, args.workers, "plain")
                results.append(Measured(f"extract (trafilatura, {args.workers} procs)", n, seconds, cpu=cpu))
            if "ours" not in skip:
                n, seconds, cpu = pool_rate(docs, args.workers, "ours")
                results.append(Measured(f"extract (ours, {args.workers} procs)", n, seconds, cpu=cpu))
            sources = tmp_path / "sources.toml"
            sources.write_text(
                f'[[source]]\nname = "bench"\nfeeds = ["{site.base_url}/rss.xml"]\n'
                f'sitemaps = ["{site.base_url}/news-sitemap.xml"]\n'
            )
            home = tmp_path / "home"
            crawl = ["crawl", "--sources", str(sources), "--no-throttle", "--json"]
            results.append(
                measure_crawl(f"crawl ({db_label})", home, db_url, crawl, args.pages, args.rss_trace)
            )
            counts_after_crawl = archive_counts(db_url)
            results.append(measure_crawl("recrawl, unchanged", home, db_url, crawl, 0))
            if "revisit" not in skip:
                make_all_due(db_url)
                revisit = ["revisit", "--sources", str(sources), "--no-throttle", "--json"]
                results.append(measure_crawl("revisit all, unchanged", home, db_url, revisit, args.pages))
            counts = archive_counts(db_url)
            if args.redis:
                for n in [int(x) for x in args.redis_workers.split(",") if x]:
                    results.append(measure_workers(n, args, tmp_path, sources, site.urls))
        finally:
            site.stop()
            if drop is not None:
                drop()
    report(results, args, site.server, load_before, counts_after_crawl, counts)


if __name__ == "__main__":
    main()
