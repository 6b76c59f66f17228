"""History, diff, changes and export on an archive that bench/search.py built and kept.

Run by hand, after `python bench/search.py --articles N --keep DIR --build-only`:

    python bench/reads.py --keep DIR --articles N [--pg URL] [--only sqlite|postgresql] [--runs 20]

It adds (once) one article with 200 versions, as a live blog or a much
corrected story has, then times, p50 and p95 in milliseconds:

- `history`: find the article and list its 200 versions (what `newsarchive
  history` and the article page read);
- `diff` of the last two versions and of the first against the last;
- `changes` over one month of one source (an eighth of the archive): the
  first 100 (the page) and every edit of the month (streamed);
- an export (JSONL) of one month of one source, with the peak of Python
  memory it allocated (tracemalloc; the output goes to /dev/null): constant
  memory means the peak does not grow with the rows exported (3 days against 30).

The machine may be shared: the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from newsarchive.storage.archive import Archive  # noqa: E402
from newsarchive.storage.config import ArchiveConfig  # noqa: E402
from newsarchive.storage.models import Article, Version  # noqa: E402
from newsarchive.storage.research.changes import recent_changes  # noqa: E402
from newsarchive.storage.research.diffs import version_diff  # noqa: E402
from newsarchive.storage.research.export.formats import export  # noqa: E402
from newsarchive.storage.research.read import find_article, get_version, history  # noqa: E402
from newsarchive.storage.research.search.query import SearchQuery  # noqa: E402

LIVE_BLOG = "https://news0.example.com/live/the-200-version-story.html"
VERSIONS = 200
MONTH = (datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))


def add_live_blog(archive: Archive) -> None:
    """One article with VERSIONS versions, each adding a paragraph (idempotent)."""
    with archive.sessions() as session, session.begin():
        if session.scalar(select(Article.id).where(Article.canonical_url == LIVE_BLOG)) is not None:
            return
        article_id = (session.scalar(select(func.max(Article.id))) or 0) + 1
        first_version = (session.scalar(select(func.max(Version.id))) or 0) + 1
        seen = datetime(2025, 3, 10, tzinfo=UTC)
        paragraphs = [
            f"Update {n}: the council met again and the vote moved to item {n}." for n in range(VERSIONS)
        ]
        versions = []
        for n in range(1, VERSIONS + 1):
            body = "\n".join(["Live: the budget debate."] * 40 + paragraphs[:n])
            versions.append(
                {
                    "id": first_version + n - 1,
                    "article_id": article_id,
                    "number": n,
                    "content_hash": f"live{n:060d}",
                    "title": f"Live: budget debate, update {n}",
                    "text": body,
                    "authors": ["Desk"],
                    "captions": [],
                    "published": "2025-03-10",
                    "language": "en",
                    "images": [],
                    "flags": [],
                    "word_count": len(body.split()),
                    "extractor": "bench",
                    "extractor_version": "1",
                    "first_seen_at": seen + timedelta(minutes=10 * n),
                    "last_seen_at": seen + timedelta(minutes=10 * n + 9),
                    "capture_count": 1,
                    "changes": {"words_added": 14, "words_removed": 0} if n > 1 else {"first": True},
                }
            )
        session.execute(
            insert(Article),
            [
                {
                    "id": article_id,
                    "canonical_url": LIVE_BLOG,
                    "domain": "news0.example.com",
                    "source": "source0",
                    "status": "live",
                    "first_seen_at": seen,
                    "last_seen_at": seen + timedelta(days=1),
                    "last_checked_at": seen + timedelta(days=1),
                    "last_changed_at": seen + timedelta(days=1),
                    "version_count": VERSIONS,
                    "latest_version_id": first_version + VERSIONS - 1,
                }
            ],
        )
        session.execute(insert(Version), versions)


def timed(runs: int, action: Callable[[], Any]) -> dict[str, float]:
    action()  # warm the cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
    }


def measure(archive: Archive, runs: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    with archive.sessions() as session:

        def read_history() -> int:
            session.expire_all()
            return len(history(session, find_article(session, LIVE_BLOG)))

        def diff(old: int, new: int) -> Callable[[], Any]:
            def run() -> Any:
                session.expire_all()
                article = find_article(session, LIVE_BLOG)
                return version_diff(get_version(session, article, old), get_version(session, article, new))

            return run

        def changes(limit: int | None) -> Callable[[], int]:
            return lambda: sum(
                1
                for _ in recent_changes(
                    session, source="source0", since=MONTH[0], until=MONTH[1], limit=limit
                )
            )

        assert read_history() == VERSIONS
        results["history (200 versions)"] = timed(runs, read_history)
        results["diff v199 → v200"] = timed(runs, diff(VERSIONS - 1, VERSIONS))
        results["diff v1 → v200"] = timed(runs, diff(1, VERSIONS))
        results["changes, a month of a source, first 100"] = timed(runs, changes(100))
        edits = changes(None)()
        results["changes, a month of a source, all"] = {
            **timed(max(3, runs // 4), changes(None)),
            "rows": edits,
        }
        results.update(measure_export(session, max(3, runs // 4)))
    return results


def measure_export(session: Session, runs: int) -> dict[str, dict[str, float]]:
    def month(days: int) -> SearchQuery:
        start = MONTH[0].date()
        return SearchQuery(
            source="source0", published_from=start, published_to=start + timedelta(days=days - 1)
        )

    out: dict[str, dict[str, float]] = {}
    for days in (3, 30):
        query = month(days)
        with open(os.devnull, "wb") as sink:
            tracemalloc.start()
            started = time.perf_counter()
            result = export(session, query, "jsonl", sink)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        times = [seconds * 1000] + [_export_ms(session, query) for _ in range(runs - 1)]
        times.sort()
        out[f"export JSONL, {days} days of a source"] = {
            "rows": result.rows,
            "p50": statistics.median(times),
            "p95": times[-1],
            "peak_python_mb": peak / 1e6,
        }
    return out


def _export_ms(session: Session, query: SearchQuery) -> float:
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        export(session, query, "jsonl", sink)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    from search import DEFAULT_PG, pg_schema_url

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", required=True, help="The directory bench/search.py --keep used.")
    parser.add_argument("--articles", type=int, required=True, help="The --articles it built.")
    parser.add_argument("--pg", help="PostgreSQL server URL (default NEWSARCHIVE_TEST_PG).")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    urls = {
        "sqlite": f"sqlite:///{Path(args.keep) / f'bench-{args.articles}.db'}",
        "postgresql": pg_schema_url(
            args.pg or os.environ.get("NEWSARCHIVE_TEST_PG") or DEFAULT_PG, f"na_bench_{args.articles}"
        ),
    }
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    results = {}
    for name in backends:
        with Archive(ArchiveConfig(home=Path(args.keep), db_url=urls[name])) as archive:
            add_live_blog(archive)
            results[name] = measure(archive, args.runs)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {date.today()}")
    print("| read | " + " | ".join(f"{b} p50 | {b} p95" for b in backends) + " |")
    print("|" + "---|" * (2 * len(backends) + 1))
    for kind in results[backends[0]]:
        cells = " | ".join(f"{results[b][kind]['p50']:.1f} | {results[b][kind]['p95']:.1f}" for b in backends)
        print(f"| {kind} | {cells} |")
    for b in backends:
        for kind, figures in results[b].items():
            if "rows" in figures:
                print(f"  {b}, {kind}: {figures['rows']} rows")
            if "peak_python_mb" in figures:
                print(
                    f"  {b}, {kind}: peak Python memory {figures['peak_python_mb']:.1f} MB (output excluded)"
                )


if __name__ == "__main__":
    main()
