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
DOWNLOAD_DELAY, no AutoThrottle, 16 requests per host (crawler/crawling.py
NO_THROTTLE); robots.txt is still obeyed (the site allows everything).

Rates are pages per second of crawl time (the CrawlRun's start to finish,
so interpreter start-up is excluded; wall time including it is printed
too). Peak RSS is the crawl's process tree (the crawl process plus its
extraction workers), sampled every 0.2 s with psutil. The machine is
shared: compare the ratios of one run, and note the load average printed.
--db postgresql://... runs on a fresh schema of that server, dropped after.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))

from _extract import pool_rate  # noqa: E402
from _site import BenchSite, source_pages  # noqa: E402


@dataclass
class Measured:
    name: str
    pages: int
    seconds: float
    wall: float | None = None
    peak_rss_mb: float | None = None
    detail: str = ""
    cpu: float | None = None  # CPU seconds of the process tree (load-independent, unlike seconds)

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def run_tree(command: list[str], env: dict[str, str] | None = None) -> tuple[str, float, float, float]:
    """Run a command; return its stdout, wall seconds and the peak RSS (MB) of its process tree."""
    import psutil

    began = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}
    )
    root = psutil.Process(proc.pid)
    peak = 0
    cpu: dict[int, float] = {}  # CPU seconds last seen per process of the tree
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            total = 0
            for p in tree:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
                    times = p.cpu_times()
                    cpu[p.pid] = times.user + times.system
            peak = max(peak, total)
        except psutil.Error:
            pass
        time.sleep(0.2)
    out, err = proc.communicate()
    wall = time.perf_counter() - began
    if os.environ.get("BENCH_CPU"):
        parts = ", ".join(f"{'crawl' if pid == proc.pid else pid} {s:.1f}s" for pid, s in cpu.items())
        print(f"  cpu of {command[-1]!r}...: {parts}", file=sys.stderr)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{err[-3000:]}")
    return out, wall, peak / 2**20, sum(cpu.values())


def pg_schema(server_url: str) -> tuple[str, Any]:
    """A fresh schema on the server and a function that drops it."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from storage.db import make_engine

    schema = f"na_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server_url)
    url = url.set(query={**dict(url.query), "options": f"-csearch_path={schema}"})

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


def last_run_seconds(db_url: str) -> tuple[float, dict[str, Any]]:
    from sqlalchemy import select

    from storage.db import make_engine, session_factory
    from storage.models import CrawlRun

    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).one()
        seconds = (run.finished_at - run.started_at).total_seconds()
        stats = dict(run.stats or {})
    engine.dispose()
    return seconds, stats


def make_all_due(db_url: str) -> int:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from storage.db import make_engine
    from storage.models import Article

    engine = make_engine(db_url)
    with engine.begin() as connection:
        done = connection.execute(
            update(Article).values(next_check_at=datetime.now(UTC) - timedelta(days=1))
        ).rowcount
    engine.dispose()
    return done


def archive_counts(db_url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from storage.db import make_engine, session_factory
    from storage.models import Article, Capture, Version

    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        counts = {
            m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
            for m in (Article, Version, Capture)
        }
    engine.dispose()
    return counts


def newsarchive(home: Path, db_url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "--home", str(home), "--db", db_url, *args]


def measure_crawl(name: str, home: Path, db_url: str, command: list[str], pages: int) -> Measured:
    out, wall, rss, cpu = run_tree(newsarchive(home, db_url, *command))
    seconds, stats = last_run_seconds(db_url)
    totals = stats.get("totals", {})
    fetched = totals.get("fetched", 0)
    detail = ", ".join(f"{k} {v}" for k, v in totals.items() if v)
    return Measured(name, fetched if fetched else pages, seconds, wall, rss, detail, cpu)


def measure_workers(n: int, args: argparse.Namespace, tmp: Path, sources: Path, urls: list[str]) -> Measured:
    """N distributed workers on a fresh archive (same database kind) sharing one Redis frontier."""
    from crawler.distributed import clear_frontier, connect, enqueue_sources
    from crawler.sources import load_sources

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


def db_label(db_url: str) -> str:
    return "postgresql" if db_url.startswith("postgresql") else "sqlite"


def runs_span(db_url: str) -> float:
    """From the first worker's run start to the last one's finish."""
    from sqlalchemy import func, select

    from storage.db import make_engine, session_factory
    from storage.models import CrawlRun

    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        first, last = session.execute(
            select(func.min(CrawlRun.started_at), func.max(CrawlRun.finished_at))
        ).one()
    engine.dispose()
    return (last - first).total_seconds()


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
                out, wall, rss, cpu = run_tree(
                    [sys.executable, str(BENCH / "_fetch.py"), str(urls_file), "16"]
                )
                data = json.loads(out.strip().splitlines()[-1])
                results.append(
                    Measured("fetch (raw Scrapy)", data["pages"], data["seconds"], wall, rss, cpu=cpu)
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
            results.append(measure_crawl(f"crawl ({db_label})", home, db_url, crawl, args.pages))
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


def report(
    results: list[Measured],
    args: argparse.Namespace,
    server: str,
    load_before: tuple[float, float, float],
    after_crawl: dict[str, int],
    counts: dict[str, int],
) -> None:
    ceiling = next((m.rate for m in results if m.name.startswith("extract (trafilatura")), None)
    crawl = next((m for m in results if m.name.startswith("crawl (")), None)
    print(f"pages {args.pages}, server {server}, cores {os.cpu_count()}")
    print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}")
    base = next((m for m in results if m.name.startswith("extract (trafilatura")), None)
    base_cpu = base.cpu / base.pages if base is not None and base.cpu and base.pages else None
    print(
        f"{'step':<34}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'vs ceiling':>11}{'wall s':>8}{'peak RSS':>10}"
        f"{'CPU ms/page':>12}{'vs ceiling (CPU)':>17}"
    )
    for m in results:
        ratio = f"{m.rate / ceiling:.0%}" if ceiling else ""
        wall = f"{m.wall:.1f}" if m.wall is not None else ""
        rss = f"{m.peak_rss_mb:.0f} MB" if m.peak_rss_mb is not None else ""
        per_page = m.cpu / m.pages if m.cpu and m.pages else None
        cpu_text = f"{per_page * 1000:.1f}" if per_page else ""
        cpu_ratio = f"{base_cpu / per_page:.0%}" if per_page and base_cpu else ""
        print(
            f"{m.name:<34}{m.pages:>7}{m.seconds:>9.1f}{m.rate:>9.1f}{ratio:>11}{wall:>8}{rss:>10}"
            f"{cpu_text:>12}{cpu_ratio:>17}"
        )
    print(
        "  vs ceiling (CPU): the ceiling's CPU per page over this step's (crawl process + workers,"
        " start-up included): the throughput ratio on an idle machine whose cores are all busy"
    )
    for m in results:
        if m.detail:
            print(f"  {m.name}: {m.detail}")
    if crawl is not None:
        for m in results:
            if m.name.startswith(("recrawl", "revisit")) and m.seconds:
                print(f"  {m.name}: {crawl.seconds / m.seconds:.1f}x faster than the first crawl")
    print(f"  archive after the crawl: {after_crawl}; at the end: {counts}")
    if args.json_out:
        Path(args.json_out).write_text(
            json.dumps(
                {
                    "pages": args.pages,
                    "server": server,
                    "load_before": load_before,
                    "results": [{**m.__dict__, "rate": m.rate} for m in results],
                    "archive": counts,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
