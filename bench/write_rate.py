"""Archive write rate and size per article: the crawl's write path on SQLite and PostgreSQL, without a crawl.

Run by hand:

    python bench/write_rate.py [--captures 2000] [--pages 300] [--db sqlite,postgresql://postgres@127.0.0.1:5432/test]

The evaluation pages (../shared/evaldata, real news HTML) are extracted once
with our extractor, before anything is timed. Then, on a fresh archive for
each database (SQLite in a temporary directory; PostgreSQL in a fresh schema,
dropped after), three passes of --captures fetches each, under distinct
URLs (the pages cycled):

1. new       every fetch a new article: the WARC response record
             (WarcStore.write) and the database write (ArchiveService.record_many,
             batches of NEWSARCHIVE_DB_BATCH = 200, as the crawl's writer
             thread commits them): article, version, capture, story bands;
2. same body every URL fetched again, the same bytes (a 200 without validators):
             a WARC revisit record and a "same_body" capture row;
3. 304       every URL answered 304 Not Modified: a "not_modified" capture row.

For each pass: captures a second, and CPU per capture, of this process (the
WARC and the database write apart) and, on PostgreSQL, of the server
backends this process's connections use (their PIDs, so other clients of a
shared server are not counted). After each pass the archive's size: per
table on PostgreSQL (pg_total_relation_size: heap, TOAST and indexes), the
database file on SQLite (after a WAL checkpoint), and the WARC files, less
the empty archive's; so the bytes a new article and a revisit capture add. Pages cycle (default 300
distinct ones for 2,000 captures): identical texts join one story cluster,
as syndicated copies do. The machine is shared: rates move with the load
average (printed), CPU per capture much less.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))

from _archive import archive_counts, pg_schema  # noqa: E402
from _extract import REFERENCE  # noqa: E402

BATCH = 200  # crawler/crawl/settings.py NEWSARCHIVE_DB_BATCH
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Server", "bench")]


@dataclass(frozen=True)
class Page:
    body: bytes
    article: Any  # ExtractedArticle


def pages(limit: int) -> list[Page]:
    """The first `limit` evaluation pages our extractor reads as articles, extracted once."""
    from newsarchive.crawler.crawl.pipeline.extraction import extract_fields

    found: list[Page] = []
    for path in sorted(SHARED.glob("evaldata/*/pages/*.html.gz")):
        body = gzip.decompress(path.read_bytes())
        # The crawl's own conversion of the extractor's result into the archive's article.
        article = extract_fields(body, "http://127.0.0.1/x.html", REFERENCE, "text/html; charset=utf-8")
        if article.kind == "article" and article.text:
            found.append(Page(body, article))
        if len(found) == limit:
            break
    if not found:
        raise SystemExit(f"no evaluation pages under {SHARED}/evaldata (set NEWSARCHIVE_SHARED)")
    return found


class BackendCpu:
    """CPU seconds of the PostgreSQL backends serving one engine's connections."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.pids: set[int] = set()
        if engine.dialect.name != "postgresql":
            return

        @event.listens_for(engine, "connect")
        def remember(connection: Any, _record: Any) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pids.add(int(cursor.fetchone()[0]))

    def seconds(self) -> float:
        import psutil

        total = 0.0
        for pid in self.pids:
            try:
                times = psutil.Process(pid).cpu_times()
            except psutil.Error:
                continue  # a backend that ended: its time is lost, said in the report
            total += times.user + times.system
        return total


@dataclass
class Pass:
    name: str
    captures: int
    seconds: float
    warc_cpu: float
    db_cpu: float
    server_cpu: float
    db_bytes: int
    warc_bytes: int
    tables: dict[str, int]


@contextmanager
def cpu_meter() -> Iterator[list[float]]:
    spent = [0.0]
    began = time.process_time()
    try:
        yield spent
    finally:
        spent[0] += time.process_time() - began


def database_bytes(archive: Any, db_url: str, schema: str | None) -> tuple[int, dict[str, int]]:
    from sqlalchemy import text

    with archive.engine.connect() as connection:
        if schema is not None:
            rows = connection.execute(
                text(
                    "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = :schema AND c.relkind = 'r'"
                ),
                {"schema": schema},
            ).all()
            tables = {name: int(size) for name, size in rows}
            return sum(tables.values()), tables
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            rows = connection.exec_driver_sql("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").all()
            tables = {name: int(size) for name, size in rows}
        except Exception:  # dbstat is a compile-time option of SQLite
            tables = {}
    path = Path(db_url.removeprefix("sqlite:///"))
    return path.stat().st_size, tables


def warc_bytes(home: Path) -> int:
    return sum(p.stat().st_size for p in (home / "warc").glob("*.warc.gz"))


def run_pass(
    name: str,
    archive: Any,
    cpu: BackendCpu,
    count: int,
    make: Callable[[int, datetime], tuple[Any, Any]],
    at: datetime,
) -> tuple[float, float, float, float]:
    """Seconds, WARC CPU, database CPU (this process) and server CPU for `count` writes."""
    from newsarchive.storage.write.service import Write

    warc_cpu = db_cpu = 0.0
    server_before = cpu.seconds()
    began = time.perf_counter()
    for start in range(0, count, BATCH):
        writes: list[Write] = []
        with cpu_meter() as spent:
            for n in range(start, min(count, start + BATCH)):
                exchange, write = make(n, at + timedelta(milliseconds=n))
                location = archive.warc.write(exchange)
                writes.append(replace(write, fetch=replace(write.fetch, warc=location)))
            archive.warc.sync()  # the crawl fsyncs the WARC before the commit that points at it
        warc_cpu += spent[0]
        with cpu_meter() as spent:
            results = archive.service.record_many(writes)
        db_cpu += spent[0]
        failed = [r for r in results if isinstance(r, Exception)]
        if failed:
            raise SystemExit(f"{name}: {len(failed)} writes failed, first: {failed[0]!r}")
    return time.perf_counter() - began, warc_cpu, db_cpu, cpu.seconds() - server_before


def measure(db_url: str, chosen: list[Page], count: int) -> list[Pass]:
    from newsarchive.crawler.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION
    from newsarchive.storage.archive import Archive
    from newsarchive.storage.config import ArchiveConfig
    from newsarchive.storage.fetch import ExtractedContent, Fetch
    from newsarchive.storage.warc.store import HttpExchange
    from newsarchive.storage.write.service import Write

    drop = None
    schema = None
    with tempfile.TemporaryDirectory(prefix="na-write-") as tmp:
        home = Path(tmp)
        if db_url.startswith("postgresql"):
            db_url, drop = pg_schema(db_url)
            schema = db_url.split("search_path%3D", 1)[-1].split("&", 1)[0] if "%3D" in db_url else None
            schema = schema or db_url.split("search_path=", 1)[-1].split("&", 1)[0]
        else:
            db_url = f"sqlite:///{home / 'archive.db'}"
        try:
            archive = Archive(ArchiveConfig(home=home, db_url=db_url))
            cpu = BackendCpu(archive.engine)
            archive.engine.dispose()  # reconnect through the listener
            ids: dict[str, int] = {}

            def url_of(n: int) -> str:
                return f"https://news{n % 97}.example/2026/12/02/story-{n}.html"

            def exchange(url: str, status: int, body: bytes, at: datetime) -> HttpExchange:
                return HttpExchange(url, "GET", [("User-Agent", "bench")], b"", status, HEADERS, body, at)

            def fetch(url: str, status: int, body: bytes, at: datetime) -> Fetch:
                return Fetch(
                    requested_url=url,
                    fetched_at=at,
                    final_url=url,
                    status_code=status,
                    headers=dict(HEADERS),
                    content_type="text/html; charset=utf-8",
                    body_sha256=hashlib.sha256(body).hexdigest() if body else None,
                    body_size=len(body),
                    via="crawl",
                    source="bench",
                )

            def new(n: int, at: datetime) -> tuple[HttpExchange, Write]:
                page, url = chosen[n % len(chosen)], url_of(n)
                article = replace(page.article, url=url, canonical_url=None)
                content = ExtractedContent(article, EXTRACTOR_NAME, EXTRACTOR_VERSION)
                return exchange(url, 200, page.body, at), Write(
                    "capture", fetch(url, 200, page.body, at), content
                )

            def same_body(n: int, at: datetime) -> tuple[HttpExchange, Write]:
                page, url = chosen[n % len(chosen)], url_of(n)
                return exchange(url, 200, page.body, at), Write(
                    "same_body", replace(fetch(url, 200, page.body, at), via="revisit"), article_id=ids[url]
                )

            def not_modified(n: int, at: datetime) -> tuple[HttpExchange, Write]:
                url = url_of(n)
                return exchange(url, 304, b"", at), Write(
                    "not_modified", replace(fetch(url, 304, b"", at), via="revisit"), article_id=ids[url]
                )

            # The empty schema's own size (every table and index has its first
            # pages already), so that a pass counts only what its rows add.
            size, tables = database_bytes(archive, db_url, schema)
            results: list[Pass] = [
                Pass("empty archive", 0, 0.0, 0.0, 0.0, 0.0, size, warc_bytes(home), tables)
            ]
            now = datetime.now(UTC)
            for name, make, at in (
                ("new articles", new, now),
                ("same body (200)", same_body, now + timedelta(hours=1)),
                ("not modified (304)", not_modified, now + timedelta(hours=2)),
            ):
                seconds, warc_cpu, db_cpu, server_cpu = run_pass(name, archive, cpu, count, make, at)
                if not ids:
                    ids.update(_article_ids(archive, [url_of(n) for n in range(count)]))
                size, tables = database_bytes(archive, db_url, schema)
                results.append(
                    Pass(name, count, seconds, warc_cpu, db_cpu, server_cpu, size, warc_bytes(home), tables)
                )
            counts = archive_counts(db_url)
            print(f"  {db_url.split('?')[0]}: {counts}")
            archive.close()
        finally:
            if drop is not None:
                drop()
    return results


def _article_ids(archive: Any, urls: list[str]) -> dict[str, int]:
    service = archive.service
    found = {url: service.article_id_for_url(url) for url in urls}
    missing = [u for u, i in found.items() if i is None]
    if missing:
        raise SystemExit(f"{len(missing)} new captures made no article, first {missing[0]}")
    return {u: int(i) for u, i in found.items() if i is not None}


def report(label: str, passes: list[Pass]) -> None:
    print(f"\n{label}")
    print(
        f"{'pass':20} {'captures/s':>10} {'WARC ms':>8} {'db ms':>7} {'server ms':>10}"
        f" {'db bytes added/capture':>23} {'WARC bytes/capture':>19}"
    )
    empty, passes = passes[0], passes[1:]
    db_before, warc_before = empty.db_bytes, empty.warc_bytes
    for p in passes:
        print(
            f"{p.name:20} {p.captures / p.seconds:>10.1f} {1000 * p.warc_cpu / p.captures:>8.2f}"
            f" {1000 * p.db_cpu / p.captures:>7.2f} {1000 * p.server_cpu / p.captures:>10.2f}"
            f" {(p.db_bytes - db_before) / p.captures:>23,.0f} {(p.warc_bytes - warc_before) / p.captures:>19,.0f}"
        )
        db_before, warc_before = p.db_bytes, p.warc_bytes
    first, last = passes[0], passes[-1]
    if first.tables:
        print("bytes per new article by table (pass 1), then per revisit capture (passes 2+3):")
        for table in sorted(first.tables, key=lambda t: -first.tables[t]):
            new = (first.tables[table] - empty.tables.get(table, 0)) / first.captures
            added = (last.tables.get(table, 0) - first.tables[table]) / (last.captures * (len(passes) - 1))
            if new >= 50 or added >= 1:  # the tables that matter
                print(f"  {table:32} {new:>10,.0f} {added:>10,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--captures", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=300, help="distinct evaluation pages to cycle")
    parser.add_argument(
        "--db",
        default="sqlite,postgresql://postgres@127.0.0.1:5432/test",
        help="comma-separated: 'sqlite' and/or PostgreSQL server URLs",
    )
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"write rate, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    began = time.process_time()
    chosen = pages(args.pages)
    text_chars = sum(len(p.article.text) for p in chosen) / len(chosen)
    html = sum(len(p.body) for p in chosen) / len(chosen)
    print(
        f"{len(chosen)} pages extracted in {time.process_time() - began:.0f} s CPU (not counted below);"
        f" mean HTML {html:,.0f} bytes, mean text {text_chars:,.0f} chars"
    )
    for db in (d for d in args.db.split(",") if d):
        report(db.split("?")[0], measure(db, chosen, args.captures))
    after = os.getloadavg()
    print(f"\nload average after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")


if __name__ == "__main__":
    main()
