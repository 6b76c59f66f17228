"""The charts' counts at scale: a 30-day and a year's window, with and without the first-seen indexes.

Run by hand:

    python bench/charts.py [--articles 200000] [--runs 7] [--keep DIR]

Builds a SQLite archive (the migrations, then rows bulk-inserted through
SQLAlchemy Core): --articles articles over two years, 8 sources, one in six
edited once a few hours to days later. Times
newsarchive.storage.research.charts.source_activity (both grouped queries, the
whole call) for a window of 30 days and one of 366, median of --runs; then
drops the two indexes of migration 0012 and times the same calls again, the
baseline in the same run. The machine may be shared: the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from newsarchive.storage.archive import Archive  # noqa: E402
from newsarchive.storage.config import ArchiveConfig  # noqa: E402
from newsarchive.storage.models import Article, Version  # noqa: E402
from newsarchive.storage.research.charts import Window, source_activity  # noqa: E402

START = datetime(2024, 3, 1, tzinfo=UTC)
DAYS = 730
SOURCES = [f"source-{n}" for n in range(8)]


def build(archive: Archive, articles: int, seed: int = 14) -> None:
    rng = random.Random(seed)
    batch = 5000
    version_id = 0
    with archive.engine.begin() as connection:
        for first in range(1, articles + 1, batch):
            article_rows, version_rows = [], []
            for article_id in range(first, min(first + batch, articles + 1)):
                seen = START + timedelta(seconds=rng.randrange(DAYS * 86400))
                edited = rng.random() < 1 / 6
                versions = [seen] + ([seen + timedelta(hours=rng.randrange(1, 96))] if edited else [])
                source = rng.choice(SOURCES)
                for number, at in enumerate(versions, 1):
                    version_id += 1
                    version_rows.append(
                        {
                            "id": version_id,
                            "article_id": article_id,
                            "number": number,
                            "content_hash": f"{version_id:064x}",
                            "title": f"Story {article_id}",
                            "text": f"Text of story {article_id}, version {number}.",
                            "authors": [],
                            "captions": [],
                            "images": [],
                            "flags": [],
                            "word_count": 6,
                            "extractor": "bench",
                            "extractor_version": "1",
                            "first_seen_at": at,
                            "last_seen_at": at,
                            "capture_count": 1,
                        }
                    )
                article_rows.append(
                    {
                        "id": article_id,
                        "canonical_url": f"https://{source}.example.com/{article_id}.html",
                        "domain": f"{source}.example.com",
                        "source": source,
                        "status": "live",
                        "first_seen_at": seen,
                        "last_seen_at": versions[-1],
                        "last_checked_at": versions[-1],
                        "last_changed_at": versions[-1],
                        "version_count": len(versions),
                        "latest_version_id": version_id,
                    }
                )
            connection.execute(insert(Article), article_rows)
            connection.execute(insert(Version), version_rows)


def timed(archive: Archive, window: Window, runs: int) -> float:
    samples = []
    for _ in range(runs):
        with archive.sessions() as session:
            began = time.perf_counter()
            found = source_activity(session, window)
            samples.append(time.perf_counter() - began)
    assert found, "the window holds no articles"
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the archive here and keep it")
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="na-bench-charts-"))
    home.mkdir(parents=True, exist_ok=True)
    config = ArchiveConfig(home=home, db_url=f"sqlite:///{home / 'archive.db'}")
    try:
        with Archive(config) as archive:
            began = time.perf_counter()
            build(archive, args.articles)
            print(f"built {args.articles} articles in {time.perf_counter() - began:.1f} s")
            end = (START + timedelta(days=DAYS - 1)).date()
            windows = {"30 days": Window.last(30, end), "366 days": Window.last(366, end)}
            indexed = {name: timed(archive, window, args.runs) for name, window in windows.items()}
            with archive.engine.begin() as connection:
                connection.execute(text("DROP INDEX ix_articles_first_seen_at"))
                connection.execute(text("DROP INDEX ix_versions_first_seen_at"))
            scanned = {name: timed(archive, window, args.runs) for name, window in windows.items()}
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'window':<10} {'indexed ms':>11} {'no index ms':>12} {'ratio':>6}")
        for name in windows:
            ratio = scanned[name] / indexed[name]
            print(f"{name:<10} {indexed[name]:>11.1f} {scanned[name]:>12.1f} {ratio:>6.1f}")
    finally:
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
