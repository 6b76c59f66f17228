"""The crawl by N distributed workers (scrapy-redis frontier) on a fresh archive."""

from __future__ import annotations

import argparse
import json
import subprocess
import time
import uuid
from pathlib import Path

from _archive import archive_counts, db_label, newsarchive, pg_schema, runs_span
from _report import Measured


def measure_workers(n: int, args: argparse.Namespace, tmp: Path, sources: Path, urls: list[str]) -> Measured:
    """N distributed workers on a fresh archive (same database kind) sharing one Redis frontier."""
    from newsarchive.crawler.crawl.distributed.workers import clear_frontier, connect, enqueue_sources
    from newsarchive.crawler.crawl.sources import load_sources

    db_url = args.db or f"sqlite:///{tmp / f'workers-{n}.db'}"
    drop = None
    if db_url.startswith("postgresql"):
        db_url, drop = pg_schema(db_url)
    prefix = f"na-bench-{uuid.uuid4().hex[:8]}"
    server = connect(args.redis)
    try:
        home = tmp / f"home-workers-{n}"
        subprocess.run(newsarchive(home, db_url, "db", "upgrade"), capture_output=True, check=False)
        enqueue_sources(server, load_sources(sources), prefix)
        idle = 2
        argv = newsarchive(
            home, db_url, "crawl", "--sources", str(sources), "--redis", args.redis, "--no-throttle", "--json",
            "-s", f"NEWSARCHIVE_REDIS_PREFIX={prefix}", "-s", f"MAX_IDLE_TIME_BEFORE_CLOSE={idle}",
        )  # fmt: skip
        began = time.perf_counter()
        workers = [
            subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(n)
        ]
        outputs = [w.communicate() for w in workers]
        wall = time.perf_counter() - began
        fetched = 0
        for worker, (out, err) in zip(workers, outputs, strict=True):
            if worker.returncode not in (0, 1):
                raise SystemExit(f"worker failed ({worker.returncode}):\n{err[-3000:]}")
            fetched += json.loads(out.strip().splitlines()[-1])["totals"]["fetched"]
        seconds = runs_span(db_url) - idle  # every worker waits `idle` s on an empty frontier before closing
        detail = f"archive {archive_counts(db_url)}"
        return Measured(f"{n} redis worker(s) ({db_label(db_url)})", fetched, seconds, wall, None, detail)
    finally:
        clear_frontier(server, prefix)
        if drop is not None:
            drop()
