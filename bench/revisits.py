"""Revisits at scale: the due-article selection and the Redis hand-out at 1,000,000 articles.

Run by hand:

    python bench/revisits.py [--articles 1000000] [--only sqlite|postgresql] [--pg URL] [--redis URL]
        [--keep DIR] [--reuse] [--pass-minutes 5] [--backlog-hours 24]

The archive: --articles articles (one capture each, with an ETag, as a
revisit's conditional GET needs) first seen at a steady rate over the last
--years (2) years over 40 domains, so most are old and rarely or never due
(after a year the default schedule stops checking) and a recent fraction is
due every 15 minutes to every 3 hours; one article in a hundred of those
older than a week changed in the last week and is young again. Each
article's next check is placed as the schedule would leave it in steady
state: a uniformly random point of its current interval from now. Rows
are bulk-inserted through SQLAlchemy Core (not the service: a million
service transactions would take hours).

Measured:
- selection: `newsarchive.storage.crawl_state.revisit_due.due_articles` (the
  query plus each article's validator look-up) for one scheduled pass
  (articles due --pass-minutes from now: the steady load), for the same pass
  with the scheduler's --limit 500, and for a backlog (--backlog-hours of
  downtime); wall seconds and CPU seconds of this process (plus the
  PostgreSQL backend's, from /proc);
- hand-out (the backlog's articles, per-domain gap 0 so Redis alone is
  measured): items/s queued (RevisitQueue.enqueue), leased (pop, one client;
  then four threads), acknowledged; and Redis memory (INFO used_memory) per
  queued and per leased item.

PostgreSQL runs in its own schema of --pg (default NEWSARCHIVE_TEST_PG), dropped
afterwards unless --keep; Redis keys go under a prefix of their own, deleted
afterwards. The machine may be shared: the load average is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from newsarchive.crawler.crawl.distributed.revisit_queue import Leased, RevisitQueue  # noqa: E402
from newsarchive.storage.archive import Archive  # noqa: E402
from newsarchive.storage.config import ArchiveConfig  # noqa: E402
from newsarchive.storage.crawl_state.revisit_due import DueArticle, due_articles  # noqa: E402
from newsarchive.storage.crawl_state.revisit_schedule import DEFAULT_SCHEDULE  # noqa: E402
from newsarchive.storage.db import make_engine  # noqa: E402
from newsarchive.storage.models import Article, Capture  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
BATCH = 10_000
DOMAINS = 40
SOURCES = 8


def next_check(age: timedelta, now: datetime, rng: random.Random) -> datetime | None:
    """Where the schedule leaves an article of this age in steady state: somewhere in its interval."""
    for step in DEFAULT_SCHEDULE:
        if age < step.younger_than:
            return now + step.every * rng.random()
    return None


def synthesise(count: int, years: float, now: datetime, seed: int = 7) -> Iterator[tuple[dict, dict]]:
    """(article row, capture row) pairs, oldest first, at a steady publishing rate."""
    rng = random.Random(seed)
    span = timedelta(days=365 * years)
    for i in range(1, count + 1):
        first_seen = now - span + span * (i / count) - timedelta(seconds=rng.random() * 60)
        changed = first_seen
        if now - first_seen > timedelta(days=7) and rng.random() < 0.01:
            changed = now - timedelta(days=7) * rng.random()  # edited lately: young again
        domain = f"news{i % DOMAINS}.example"
        url = f"https://{domain}/{first_seen:%Y/%m/%d}/story-{i}.html"
        yield (
            {
                "id": i,
                "canonical_url": url,
                "domain": domain,
                "source": f"source{i % SOURCES}",
                "status": "live",
                "first_seen_at": first_seen,
                "last_seen_at": changed,
                "last_checked_at": changed,
                "last_changed_at": changed,
                "next_check_at": next_check(now - max(first_seen, changed), now, rng),
                "version_count": 1,
            },
            {
                "id": i,
                "requested_url": url,
                "final_url": url,
                "article_id": i,
                "outcome": "new_article",
                "status_code": 200,
                "headers": {"etag": f'"{i:x}"', "content-type": "text/html"},
                "content_type": "text/html",
                "fetched_at": first_seen,
                "via": "crawl",
            },
        )


ARTICLE_COLUMNS = (
    "id", "canonical_url", "domain", "source", "status", "first_seen_at", "last_seen_at",
    "last_checked_at", "last_changed_at", "next_check_at", "version_count",
)  # fmt: skip
CAPTURE_COLUMNS = (
    "id", "requested_url", "final_url", "article_id", "outcome", "status_code", "headers",
    "content_type", "fetched_at", "via", "ignore_robots",
)  # fmt: skip


def build_pg(archive: Archive, count: int, years: float, now: datetime) -> None:
    """PostgreSQL: COPY (executemany of a million rows takes most of an hour on a loaded machine)."""
    raw = archive.engine.raw_connection()
    try:
        cursor = raw.cursor()
        # Two passes over the same seeded rows: a million capture tuples held
        # in memory would cost more than generating them twice.
        with cursor.copy(f"COPY articles ({', '.join(ARTICLE_COLUMNS)}) FROM STDIN") as copy:
            for article, _capture in synthesise(count, years, now):
                copy.write_row(tuple(article[c] for c in ARTICLE_COLUMNS))
        with cursor.copy(f"COPY captures ({', '.join(CAPTURE_COLUMNS)}) FROM STDIN") as copy:
            for _article, capture in synthesise(count, years, now):
                copy.write_row(
                    tuple(
                        json.dumps(capture["headers"]) if c == "headers" else capture.get(c, False)
                        for c in CAPTURE_COLUMNS
                    )
                )
        raw.commit()
    finally:
        raw.close()


def build(archive: Archive, count: int, years: float, now: datetime) -> float:
    started = time.perf_counter()
    if archive.engine.dialect.name == "postgresql":
        build_pg(archive, count, years, now)
        return _analyze(archive, started)
    articles: list[dict] = []
    captures: list[dict] = []

    def flush() -> None:
        with archive.sessions() as session, session.begin():
            session.execute(insert(Article), articles)
            session.execute(insert(Capture), captures)
        articles.clear()
        captures.clear()

    for article, capture in synthesise(count, years, now):
        articles.append(article)
        captures.append(capture)
        if len(articles) >= BATCH:
            flush()
    if articles:
        flush()
    return _analyze(archive, started)


def _analyze(archive: Archive, started: float) -> float:
    with archive.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))"))
            connection.execute(text("SELECT setval('captures_id_seq', (SELECT max(id) FROM captures))"))
            connection.commit()
        # Only these tables: a bare VACUUM would go through every schema of the shared database.
        statement = (
            "VACUUM ANALYZE articles, captures" if connection.dialect.name == "postgresql" else "ANALYZE"
        )
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text(statement))
    return time.perf_counter() - started


class CpuClock:
    """CPU seconds of this process plus (PostgreSQL) the server backends that answered it."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def backends(self) -> dict[int, float]:
        if self.archive.engine.dialect.name != "postgresql":
            return {}
        total = {}
        with self.archive.engine.connect() as connection:
            pids = connection.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalars()
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def start(self) -> tuple[float, dict[int, float]]:
        return time.process_time(), self.backends()

    def since(self, start: tuple[float, dict[int, float]]) -> float:
        """CPU used since start: a backend that began meanwhile counts from 0, one that ended is lost."""
        own, backends = start
        now = self.backends()
        return time.process_time() - own + sum(cpu - backends.get(pid, 0.0) for pid, cpu in now.items())


@dataclass
class Timed:
    seconds: float
    cpu: float
    result: Any


def timed(clock: CpuClock, work: Callable[[], Any]) -> Timed:
    cpu, wall = clock.start(), time.perf_counter()
    result = work()
    return Timed(time.perf_counter() - wall, clock.since(cpu), result)


def measure_selection(archive: Archive, now: datetime, args: argparse.Namespace) -> dict[str, Any]:
    clock = CpuClock(archive)
    passes = {
        f"one pass ({args.pass_minutes} min)": (now + timedelta(minutes=args.pass_minutes), None),
        "one pass, --limit 500": (now + timedelta(minutes=args.pass_minutes), 500),
        f"backlog ({args.backlog_hours} h)": (now + timedelta(hours=args.backlog_hours), None),
    }
    results: dict[str, Any] = {}
    due_sets: dict[str, list[DueArticle]] = {}
    for label, (when, limit) in passes.items():
        due_articles(archive.sessions, now=when, limit=limit)  # warm the cache, as a running archive is
        best = min(
            (
                timed(clock, lambda w=when, n=limit: due_articles(archive.sessions, now=w, limit=n))
                for _ in range(3)
            ),
            key=lambda t: t.seconds,
        )
        results[label] = {"due": len(best.result), "seconds": best.seconds, "cpu": best.cpu}
        due_sets[label] = best.result
    results["_backlog"] = due_sets[f"backlog ({args.backlog_hours} h)"]
    return results


def used_memory(server: Any) -> int:
    return int(server.info("memory")["used_memory"])


def measure_handout(redis_url: str, due: list[DueArticle]) -> dict[str, Any]:
    import redis

    server = redis.Redis.from_url(redis_url)
    prefix = f"na-bench-revisits-{uuid.uuid4().hex[:10]}"
    queue = RevisitQueue(server, prefix, lease_seconds=600)
    try:
        before = used_memory(server)
        redis_cpu = redis_cpu_seconds(server)
        pushed = timed_plain(lambda: queue.enqueue(due))
        push_redis_cpu = redis_cpu_seconds(server) - redis_cpu
        queued_memory = used_memory(server) - before
        half = len(due) // 2
        leased: list[Leased] = []

        def pop_some(n: int, into: list[Leased]) -> None:
            q = RevisitQueue(redis.Redis.from_url(redis_url), prefix, lease_seconds=600)
            while len(into) < n and isinstance(got := q.pop(), Leased):
                into.append(got)

        redis_cpu, own_cpu = redis_cpu_seconds(server), time.process_time()
        one = timed_plain(lambda: pop_some(half, leased))
        pop_redis_cpu, pop_own_cpu = redis_cpu_seconds(server) - redis_cpu, time.process_time() - own_cpu
        shares: list[list[Leased]] = [[] for _ in range(4)]
        rest = len(due) - len(leased)

        def in_threads() -> None:
            threads = [threading.Thread(target=pop_some, args=(rest, s)) for s in shares]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        four = timed_plain(in_threads)
        leased += [p for s in shares for p in s]
        leased_memory = used_memory(server) - before
        ids = [p.due.article_id for p in leased]
        assert len(ids) == len(set(ids)) == len(due), "every article leased exactly once"
        acked = timed_plain(
            lambda: sum(
                queue.ack([(p.token, p.due.article_id) for p in leased[i : i + 500]])
                for i in range(0, len(leased), 500)
            )
        )
        assert acked.result == len(due)
        assert queue.status().drained
        n = len(due)
        return {
            "items": n,
            "queued_per_s": n / pushed.seconds,
            "leased_per_s_one_client": half / one.seconds,
            # CPU per item: this client's, and the Redis server's (all its clients: an upper bound
            # on a shared server), which load on the machine does not inflate as it does wall time.
            "queue_redis_cpu_us_per_item": push_redis_cpu / n * 1e6,
            "pop_client_cpu_us_per_item": pop_own_cpu / half * 1e6,
            "pop_redis_cpu_us_per_item": pop_redis_cpu / half * 1e6,
            "leased_per_s_four_threads": (n - half) / four.seconds,
            "acked_per_s_batched": n / acked.seconds,
            "memory_per_queued_item": queued_memory / n,
            "memory_per_leased_item": leased_memory / n,
        }
    finally:
        queue.clear()
        server.close()


def redis_cpu_seconds(server: Any) -> float:
    cpu = server.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def timed_plain(work: Callable[[], Any]) -> Timed:
    wall = time.perf_counter()
    result = work()
    return Timed(time.perf_counter() - wall, 0.0, result)


def plan(archive: Archive, when: datetime) -> str:
    """How the database answers the selection query (the index it uses)."""
    sql = "SELECT id FROM articles WHERE next_check_at IS NOT NULL AND next_check_at <= :now ORDER BY next_check_at, id"
    with archive.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            rows = connection.execute(text("EXPLAIN " + sql), {"now": when}).scalars()
            return " / ".join(r.strip() for r in rows)
        rows = connection.execute(text("EXPLAIN QUERY PLAN " + sql), {"now": when.replace(tzinfo=None)}).all()
        return " / ".join(str(r[-1]) for r in rows)


def pg_schema_url(server: str, schema: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(server)
    return url.set(query={**url.query, "options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def run_backend(name: str, args: argparse.Namespace) -> dict[str, Any]:
    home = Path(args.keep) if args.keep else None
    if home is None and name == "sqlite":
        home = Path(tempfile.mkdtemp(prefix="na-bench-revisits-"))
    home = home or Path(tempfile.gettempdir())
    schema, admin = None, None
    if name == "sqlite":
        home.mkdir(parents=True, exist_ok=True)
        db_url = f"sqlite:///{home / f'revisits-{args.articles}.db'}"
    else:
        server = args.pg or os.environ.get("NEWSARCHIVE_TEST_PG") or DEFAULT_PG
        schema = f"na_bench_revisits_{args.articles}" if args.keep else f"na_bench_rv_{uuid.uuid4().hex[:10]}"
        admin = make_engine(server)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        db_url = pg_schema_url(server, schema)
    # Reused archives keep their build time in a file beside them: "now" is when they were built.
    stamp = home / f"revisits-{name}-{args.articles}.now"
    try:
        with Archive(ArchiveConfig(home=home, db_url=db_url)) as archive:
            with archive.sessions() as session:
                present = session.scalar(text("SELECT count(*) FROM articles")) or 0
            if args.reuse and present and stamp.exists():
                now = datetime.fromisoformat(stamp.read_text().strip())
                print(f"{name}: reusing {present} articles", file=sys.stderr)
                built = None
            else:
                now = datetime.now(UTC)
                load = os.getloadavg()[0]
                built = build(archive, args.articles, args.years, now)
                stamp.write_text(now.isoformat())
                print(
                    f"{name}: built {args.articles} articles in {built:.0f} s (load {load:.1f})",
                    file=sys.stderr,
                )
            with archive.sessions() as session:
                scheduled = session.scalar(
                    text("SELECT count(*) FROM articles WHERE next_check_at IS NOT NULL")
                )
            selection = measure_selection(archive, now, args)
            backlog = selection.pop("_backlog")
            result = {
                "built_seconds": built,
                "articles": args.articles,
                "scheduled": scheduled,
                "plan": plan(archive, now + timedelta(minutes=args.pass_minutes)),
                "selection": selection,
                "load_after_selection": os.getloadavg()[0],
            }
            if not args.no_redis:
                result["handout"] = measure_handout(
                    args.redis or os.environ.get("NEWSARCHIVE_TEST_REDIS") or DEFAULT_REDIS, backlog
                )
                result["load_after_handout"] = os.getloadavg()[0]
            return result
    finally:
        if name == "sqlite" and not args.keep:
            shutil.rmtree(home, ignore_errors=True)
        if admin is not None:
            if not args.keep:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def report(name: str, r: dict[str, Any]) -> None:
    print(f"\n{name}: {r['articles']} articles, {r['scheduled']} still on the schedule")
    if r["built_seconds"] is not None:
        print(f"  built in {r['built_seconds']:.0f} s")
    print(f"  plan: {r['plan']}")
    for label, s in r["selection"].items():
        print(
            f"  selection, {label}: {s['due']} due, {s['seconds'] * 1000:.0f} ms wall, {s['cpu'] * 1000:.0f} ms CPU"
        )
    print(f"  load average after the selection: {r['load_after_selection']:.1f}")
    h = r.get("handout")
    if h:
        print(
            f"  hand-out of {h['items']} items: queued {h['queued_per_s']:.0f}/s, leased "
            f"{h['leased_per_s_one_client']:.0f}/s (one client) {h['leased_per_s_four_threads']:.0f}/s "
            f"(four threads), acknowledged {h['acked_per_s_batched']:.0f}/s (batches of 500)"
        )
        print(
            f"  CPU per item: queue {h['queue_redis_cpu_us_per_item']:.0f} us in Redis; lease "
            f"{h['pop_client_cpu_us_per_item']:.0f} us in the client, {h['pop_redis_cpu_us_per_item']:.0f} us in Redis"
        )
        print(
            f"  Redis memory: {h['memory_per_queued_item']:.0f} B per queued item, "
            f"{h['memory_per_leased_item']:.0f} B per leased item"
        )
        print(f"  load average after the hand-out: {r['load_after_handout']:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--pass-minutes", type=float, default=5.0, help="The scheduler's revisit interval.")
    parser.add_argument("--backlog-hours", type=float, default=24.0)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--pg", help="PostgreSQL server URL (default NEWSARCHIVE_TEST_PG).")
    parser.add_argument("--redis", help="Redis URL (default NEWSARCHIVE_TEST_REDIS).")
    parser.add_argument("--no-redis", action="store_true", help="Measure the selection only.")
    parser.add_argument("--keep", help="Keep the SQLite archive in this directory and the PostgreSQL schema.")
    parser.add_argument("--reuse", action="store_true", help="With --keep: measure the kept archive again.")
    parser.add_argument("--json", dest="json_out", help="Also write the results here as JSON.")
    args = parser.parse_args()
    if args.reuse and not args.keep:
        parser.error("--reuse needs --keep")
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs")
    results = {}
    for name in [args.only] if args.only else ["sqlite", "postgresql"]:
        results[name] = run_backend(name, args)
        report(name, results[name])
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
