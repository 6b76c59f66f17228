"""Story clusters at scale: time per added article and memory, with the archive at 1k, 10k and 100k articles.

    python bench/stories_scale.py [--articles 100000] [--measure 1000] [--shared /work/shared]

Measured articles are made from the evaluation pages' real paragraphs (six
drawn at random a story), one in five a light edit of an earlier one (a
wire copy at another outlet), so the LSH bands see real vocabulary and real
clusters. Each goes in as the write path adds a new article: an article row,
then newsarchive.storage.stories.clusters.join_story (sign, look candidates
up by band in the database, compare, record), a hundred per transaction.

Between measurements the archive is filled, fast, with articles whose 32
band rows are random (unrelated stories: they share no band with anything,
which is what almost every article in a real archive is to a new one), so
the band index grows to what 100k articles make. Printed for each size:
milliseconds per added article, wall and CPU (the machine is shared; CPU
time is the steadier figure), their ratio to the first measurement of the
same run (the baseline), the process's peak memory and the database size.
Near-constant cost means ratios near 1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from newsarchive.storage.archive import Archive  # noqa: E402
from newsarchive.storage.config import ArchiveConfig  # noqa: E402
from newsarchive.storage.models import Article, StoryBand, StoryCluster  # noqa: E402
from newsarchive.storage.stories.clusters import join_story  # noqa: E402
from newsarchive.storage.stories.minhash import BANDS  # noqa: E402

SETS = ("fundus-dev", "wcxb-dev-articles")
T0 = datetime(2026, 1, 1, tzinfo=UTC)
# Filler articles take ids from here on; the measured ones get theirs from the database.
FILL_IDS = 10_000_000


def paragraphs(shared: Path) -> list[str]:
    found = []
    for name in SETS:
        for line in (shared / "evaldata" / name / "truth.jsonl").read_text(encoding="utf-8").split("\n"):
            if line.strip():
                body = json.loads(line).get("body") or ""
                found += [" ".join(p.split()) for p in body.split("\n") if len(p.split()) >= 15]
    return found


def light_edit(text: str, rng: random.Random) -> str:
    """A wire copy: a paragraph dropped or added, a few words changed."""
    parts = text.split("\n")
    if len(parts) > 3 and rng.random() < 0.5:
        parts.pop(rng.randrange(len(parts)))
    words = " \n ".join(parts).split(" ")
    for _ in range(3):
        words[rng.randrange(len(words))] = rng.choice(("said", "told", "reported", "the"))
    return " ".join(words).replace(" \n ", "\n")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def add_articles(archive: Archive, first: int, texts: list[tuple[int, str]]) -> None:
    for start in range(0, len(texts), 100):
        with archive.sessions() as session, session.begin():
            for i, text in texts[start : start + 100]:
                at = T0 + timedelta(seconds=i)
                domain = f"outlet{i % 500}.example"
                article_id = session.execute(
                    insert(Article).values(**_article(i, domain, at))
                ).inserted_primary_key[0]
                join_story(session, article_id, text, domain=domain, source=None, seen_at=at)


def _article(i: int, domain: str, at: datetime) -> dict[str, object]:
    return {
        "canonical_url": f"https://{domain}/story/{i}",
        "domain": domain,
        "source": None,
        "status": "live",
        "first_seen_at": at,
        "last_seen_at": at,
        "last_checked_at": at,
        "last_changed_at": at,
        "version_count": 1,
    }


def fill(archive: Archive, first: int, count: int, rng: random.Random) -> None:
    """`count` unrelated articles with random band rows, inserted in bulk (ids given, one statement a table)."""
    for start in range(first, first + count, 5000):
        stop = min(start + 5000, first + count)
        articles = [
            {"id": FILL_IDS + i, **_article(i, "filler.example", T0 + timedelta(seconds=i))}
            for i in range(start, stop)
        ]
        bands = [
            {"article_id": row["id"], "band": b, "hash": rng.getrandbits(63)}
            for row in articles
            for b in range(BANDS)
        ]
        with archive.sessions() as session, session.begin():
            session.execute(insert(Article), articles)
            session.execute(insert(StoryBand), bands)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="The largest archive measured.")
    parser.add_argument("--measure", type=int, default=1000, help="Articles added and timed at each size.")
    parser.add_argument("--db", help="Database URL (default: a fresh SQLite file in a temporary folder).")
    parser.add_argument("--shared", type=Path, default=Path("/work/shared"))
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()

    pool = paragraphs(args.shared)
    rng = random.Random(args.seed)
    home = Path(tempfile.mkdtemp(prefix="stories-bench-"))
    db_url = args.db or f"sqlite:///{home / 'archive.db'}"
    print(f"{len(pool)} real paragraphs; up to {args.articles} articles in {db_url}; load {os.getloadavg()}")
    archive = Archive(ArchiveConfig(home=home, db_url=db_url))
    stories: list[str] = []
    sizes = [s for s in (args.measure, 10_000, args.articles) if s <= args.articles]
    total, baseline = 0, None
    for size in sizes:
        if size - args.measure > total:
            t = time.perf_counter()
            fill(archive, total, size - args.measure - total, rng)
            print(
                f"  filled to {size - args.measure} articles in {time.perf_counter() - t:.0f} s", flush=True
            )
            total = size - args.measure
        texts = []
        for i in range(total, total + args.measure):
            if stories and rng.random() < 0.2:
                texts.append((i, light_edit(rng.choice(stories), rng)))
            else:
                stories.append("\n".join(rng.sample(pool, 6)))
                texts.append((i, stories[-1]))
        wall, cpu = time.perf_counter(), time.process_time()
        add_articles(archive, total, texts)
        wall_ms = (time.perf_counter() - wall) / args.measure * 1000
        cpu_ms = (time.process_time() - cpu) / args.measure * 1000
        baseline = baseline or (wall_ms, cpu_ms)
        total += args.measure
        size_mb = (home / "archive.db").stat().st_size / 1e6 if not args.db else float("nan")
        print(
            f"{total:>7} articles: {wall_ms:6.2f} ms wall, {cpu_ms:6.2f} ms CPU per added article "
            f"(x{wall_ms / baseline[0]:.2f} and x{cpu_ms / baseline[1]:.2f} of the first {args.measure}); "
            f"peak RSS {peak_mb():.0f} MB; database {size_mb:.0f} MB; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    with archive.sessions() as session:
        clusters = session.scalar(select(func.count()).select_from(StoryCluster))
        multi = session.scalar(select(func.count()).select_from(StoryCluster).where(StoryCluster.size > 1))
    archive.close()
    print(f"{clusters} clusters among the measured articles, {multi} with several; load {os.getloadavg()}")


if __name__ == "__main__":
    main()
