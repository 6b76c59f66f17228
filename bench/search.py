"""Search latency at 100,000 articles, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Run by hand:

    python bench/search.py [--articles 100000] [--runs 40] [--only sqlite|postgresql] [--keep DIR]
        [--pg URL] [--reuse] [--build-only]

A million articles take a long time to build: `--keep DIR` keeps the SQLite
archive in DIR and the PostgreSQL schema (named after --articles) on the
server; a later run with `--keep DIR --reuse` measures them again without
rebuilding (the archive is upgraded to the newest migration on opening).

The archive is synthesised from the real pages' truth text in
/work/shared/evaldata/*/truth.jsonl (override with --truth GLOB): each
article mixes paragraphs of three real articles, gets a varied title, one of
40 domains and 8 sources, a published date over two years, and one article
in ten a second version (an edit). Rows are bulk-inserted through SQLAlchemy
Core (100,000 service transactions would take most of an hour), so the
search index is maintained by the migration's triggers / generated column,
exactly as in production.

Each query kind runs --runs times with varying words; the time is the whole
`newsarchive.storage.research.search.query.search()` call: count, page of 20, hits and snippets. p50
and p95 in milliseconds of wall time, and the mean CPU milliseconds a search
used (this process, plus the PostgreSQL backend's from /proc): on a shared
machine wall time mostly measures the wait for a core. PostgreSQL runs in its own schema of
--pg (default NEWSARCHIVE_TEST_PG, else postgresql://postgres@127.0.0.1:5432/test),
dropped afterwards unless --keep. The machine may be shared: the load average is printed.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from newsarchive.storage.archive import Archive  # noqa: E402
from newsarchive.storage.config import ArchiveConfig  # noqa: E402
from newsarchive.storage.db import make_engine  # noqa: E402
from newsarchive.storage.models import Article, Version  # noqa: E402
from newsarchive.storage.research.search.query import SearchQuery, search  # noqa: E402

DEFAULT_TRUTH = "/work/shared/evaldata/*/truth.jsonl"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
START = datetime(2024, 6, 1, tzinfo=UTC)
BATCH = 5000


def load_truth(pattern: str) -> list[dict[str, Any]]:
    pages = []
    for path in sorted(glob.glob(pattern)):
        # Not splitlines(): it also splits on U+2028 inside the JSON strings.
        for line in Path(path).read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            row = json.loads(line)
            body = row.get("body") or row.get("text") or ""
            if len(body) > 200:
                pages.append({"title": row.get("title") or body[:60], "paragraphs": body.split("\n")})
    if not pages:
        raise SystemExit(f"no truth text found at {pattern}")
    return pages


def synthesise(pages: list[dict[str, Any]], count: int, seed: int = 7) -> Iterator[tuple[dict, list[dict]]]:
    """(article row, version rows) for `count` articles."""
    rng = random.Random(seed)
    domains = [f"news{i}.example.com" for i in range(40)]
    sources = [f"source{i}" for i in range(8)]
    languages = ["en", "de", "es", "fr", "en", "en"]
    next_version_id = 1
    for i in range(1, count + 1):
        parts = rng.sample(pages, 3)
        paragraphs = [p for page in parts for p in page["paragraphs"][:6]]
        rng.shuffle(paragraphs)
        body = "\n".join(paragraphs)[:6000]
        seen = START + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
        domain = rng.choice(domains)
        article = {
            "id": i,
            "canonical_url": f"https://{domain}/{seen:%Y/%m/%d}/story-{i}.html",
            "domain": domain,
            "source": sources[i % len(sources)],
            "status": "live",
            "first_seen_at": seen,
            "last_seen_at": seen + timedelta(days=1),
            "last_checked_at": seen + timedelta(days=2),
            "last_changed_at": seen,
            "version_count": 1,
        }
        title = f"{parts[0]['title']} — {rng.choice(['update', 'analysis', 'live', 'report', 'explainer'])} {i % 997}"
        version = {
            "id": next_version_id,
            "article_id": i,
            "number": 1,
            "content_hash": f"{i:032x}{1:032x}",
            "title": title,
            "text": body,
            "authors": [f"Author {rng.randrange(500)}"],
            "captions": [{"caption": parts[1]["title"], "credit": "Photo: Agency"}],
            "published": (seen - timedelta(hours=rng.randrange(0, 48))).date().isoformat(),
            "language": rng.choice(languages),
            "images": [],
            "flags": [],
            "word_count": len(body.split()),
            "extractor": "bench",
            "extractor_version": "1",
            "first_seen_at": seen,
            "last_seen_at": seen + timedelta(hours=3),
            "capture_count": 1,
            "changes": {"first": True},
        }
        versions = [version]
        if i % 10 == 0:  # an edit: new headline, a paragraph dropped
            edited = dict(version, number=2, content_hash=f"{i:032x}{2:032x}", title="Updated: " + title)
            edited["id"] = version["id"] + 1
            edited["text"] = "\n".join(body.split("\n")[1:]) or body
            edited["first_seen_at"] = version["last_seen_at"] + timedelta(hours=1)
            edited["last_seen_at"] = article["last_seen_at"]
            edited["changes"] = {"headline_changed": True, "words_added": 0, "words_removed": 40}
            article["version_count"] = 2
            versions.append(edited)
        # The newest version (the service keeps this pointer up to date).
        article["latest_version_id"] = versions[-1]["id"]
        next_version_id += len(versions)
        yield article, versions


def build(archive: Archive, pages: list[dict[str, Any]], count: int) -> float:
    started = time.perf_counter()
    articles: list[dict] = []
    versions: list[dict] = []

    def flush() -> None:
        with archive.sessions() as session, session.begin():
            session.execute(insert(Article), articles)
            session.execute(insert(Version), versions)
        articles.clear()
        versions.clear()

    for article, rows in synthesise(pages, count):
        articles.append(article)
        versions.extend(rows)
        if len(articles) >= BATCH:
            flush()
    if articles:
        flush()
    with archive.engine.connect() as connection:
        # Fresh statistics and (PostgreSQL) the visibility map, as autovacuum
        # keeps them in a long-lived archive.
        statement = "VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE"
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text(statement))
    return time.perf_counter() - started


def vocabulary(pages: list[dict[str, Any]], seed: int = 11) -> list[str]:
    """Mid-frequency words: common enough to match, rare enough to mean something."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update(set(re.findall(r"[a-z]{6,}", " ".join(page["paragraphs"]).lower())))
    band = sorted(w for w, n in counts.items() if 8 <= n <= 60)  # sorted: set order varies per process
    random.Random(seed).shuffle(band)
    return band[:200]


def query_kinds(words: list[str], deep: str | None = None) -> dict[str, Callable[[int], SearchQuery]]:
    """The query kinds; `deep` is the cursor after the newest 1,000 articles (deep pages)."""

    def w(i: int, k: int = 0) -> str:
        return words[(i * 3 + k) % len(words)]

    def month(i: int) -> tuple[date, date]:
        start = (START + timedelta(days=30 * (i % 20))).date()
        return start, start + timedelta(days=30)

    return {
        "keyword": lambda i: SearchQuery(text=w(i)),
        "keyword + published month": lambda i: SearchQuery(
            text=w(i), published_from=month(i)[0], published_to=month(i)[1]
        ),
        "two words": lambda i: SearchQuery(text=f"{w(i)} {w(i, 1)}"),
        "phrase": lambda i: SearchQuery(text=f'"{w(i)} {w(i, 1)}" OR "{w(i, 2)}"'),
        "prefix": lambda i: SearchQuery(text=w(i)[:4] + "*"),
        "keyword, sort by date": lambda i: SearchQuery(text=w(i), sort="date"),
        "keyword, all versions": lambda i: SearchQuery(text=w(i), all_versions=True),
        "keyword + source + changed": lambda i: SearchQuery(text=w(i), source=f"source{i % 8}", changed=True),
        "filters only (source, month)": lambda i: SearchQuery(
            source=f"source{i % 8}", published_from=month(i)[0], published_to=month(i)[1]
        ),
        "no filter, newest first": lambda i: SearchQuery(),
        "page 5 (offset 80)": lambda i: SearchQuery(text=w(i), offset=80),
        "no filter, page 51 by offset (1,000)": lambda i: SearchQuery(sort="date", offset=1000),
        "no filter, page 51 by cursor": lambda i: SearchQuery(sort="date", cursor=deep),
    }


def cpu_clock(session: Any) -> Callable[[], float]:
    """CPU seconds used so far by this process and (PostgreSQL) the session's server backend.

    Wall time on a shared machine mostly measures the queue for a core; CPU
    time is what the search itself cost. Backend times come from /proc in
    clock ticks (10 ms), so only their mean over many runs means something.
    """
    backend = None
    if session.get_bind().dialect.name == "postgresql":
        backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    tick = os.sysconf("SC_CLK_TCK")

    def clock() -> float:
        used = time.process_time()
        if backend is not None:
            fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
            used += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return used

    return clock


def measure(archive: Archive, words: list[str], runs: int) -> dict[str, dict]:
    results = {}
    with archive.sessions() as session:
        # One connection for the whole run, so the backend whose CPU is read stays the same.
        session.connection()
        clock = cpu_clock(session)
        # Where page 51 of the newest articles starts (the cursor a reader following Next links holds).
        deep = search(session, SearchQuery(sort="date", limit=1000)).next_cursor
        kinds = query_kinds(words, deep)
        for name, make in kinds.items():
            search(session, make(runs + 1))  # warm the cache for this kind
            times, totals = [], []
            cpu_started = clock()
            for i in range(runs):
                started = time.perf_counter()
                page = search(session, make(i))
                times.append((time.perf_counter() - started) * 1000)
                totals.append(page.total if page.total_exact else -page.total)
                session.commit()  # as a request would: no snapshot held across searches
            cpu = (clock() - cpu_started) * 1000 / runs
            times.sort()
            results[name] = {
                "cpu": cpu,
                "p50": statistics.median(times),
                "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                # Negative: counting stopped at the cap ("more than").
                "median_total": int(statistics.median(totals)),
            }
    return results


def pg_schema_url(server: str, schema: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(server)
    return url.set(query={**url.query, "options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def run_backend(name: str, args: argparse.Namespace, pages: list, words: list[str]) -> dict[str, dict] | None:
    home = Path(args.keep) if args.keep else None
    schema = None
    admin = None
    if home is None and name == "sqlite":
        home = Path(tempfile.mkdtemp(prefix="na-bench-search-"))
    home = home or Path(tempfile.gettempdir())  # PostgreSQL: the home holds nothing
    if name == "sqlite":
        db_url = f"sqlite:///{home / f'bench-{args.articles}.db'}"
    else:
        server = args.pg or os.environ.get("NEWSARCHIVE_TEST_PG") or DEFAULT_PG
        schema = f"na_bench_{args.articles}" if args.keep else f"na_bench_{uuid.uuid4().hex[:10]}"
        admin = make_engine(server)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        db_url = pg_schema_url(server, schema)
    try:
        with Archive(ArchiveConfig(home=home, db_url=db_url)) as archive:
            with archive.sessions() as session:
                present = session.scalar(text("SELECT count(*) FROM articles")) or 0
            if args.reuse and present:
                print(f"{name}: reusing {present} articles", file=sys.stderr)
            else:
                seconds = build(archive, pages, args.articles)
                print(f"{name}: built {args.articles} articles in {seconds:.0f} s", file=sys.stderr)
            if args.build_only:
                return None
            return measure(archive, words, args.runs)
    finally:
        if name == "sqlite" and not args.keep:
            shutil.rmtree(home, ignore_errors=True)  # about 700 MB at 100,000 articles
        if admin is not None:
            if not args.keep:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--truth", default=DEFAULT_TRUTH)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument(
        "--keep",
        help="Keep the SQLite archive in this directory and the PostgreSQL schema na_bench_ARTICLES.",
    )
    parser.add_argument(
        "--pg", help="PostgreSQL server URL (a database of your own; default NEWSARCHIVE_TEST_PG)."
    )
    parser.add_argument(
        "--reuse", action="store_true", help="With --keep: measure the kept archive, no rebuild."
    )
    parser.add_argument("--build-only", action="store_true", help="Build (and keep), measure nothing.")
    parser.add_argument("--json", dest="json_out", help="Also write the results here as JSON.")
    args = parser.parse_args()
    pages = load_truth(args.truth)
    words = vocabulary(pages)
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    results = {name: run_backend(name, args, pages, words) for name in backends}
    if args.build_only:
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {args.runs} runs per kind")
    header = (
        "| query | " + " | ".join(f"{b} p50 | {b} p95 | {b} CPU" for b in backends) + " | matches (median) |"
    )
    print(header)
    print("|" + "---|" * (3 * len(backends) + 2))
    for kind in query_kinds(words):
        cells = " | ".join(
            f"{results[b][kind]['p50']:.1f} | {results[b][kind]['p95']:.1f} | {results[b][kind]['cpu']:.1f}"
            for b in backends
        )
        total = results[backends[0]][kind]["median_total"]
        print(f"| {kind} | {cells} | {f'more than {-total:,}' if total < 0 else total} |")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
