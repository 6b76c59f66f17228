"""kill -9 in the middle of a capture or a crawl, many times: nothing half-written, nothing lost.

Each round starts the real CLI, lets it fetch a random number of pages, and
SIGKILLs its process group. After every kill the database must hold only
whole captures pointing at readable WARC records, and whole versions. Torn
WARC tails are allowed to exist between a kill and the next writer (or
`newsarchive warc repair`), never after. A last, uninterrupted run must
finish the job: every page archived, each as exactly one version.

Rounds: NEWSARCHIVE_KILL_ROUNDS (default 5; 50 by hand), seed NEWSARCHIVE_KILL_SEED.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article, CrawlRun
from tests.helpers import FAST, newsarchive
from tests.reliability.processes import KILL_SEED_ENV, alive, children, kill9, kill_rounds, start, stop_when
from tests.reliability.support import check_archive, warc_problems
from tests.site.server import NewsSite

GROUP = "Crashes (kill -9)"
PAGES = 80


def _seed() -> int:
    return int(os.environ.get(KILL_SEED_ENV) or time.time_ns() % 100_000)


def _requests(site: NewsSite) -> int:
    return len(site.state.log)


def _kill_loop(
    config: ArchiveConfig,
    site: NewsSite,
    command: Callable[[], list[str]],
    rounds: int,
    rng: random.Random,
) -> tuple[int, int]:
    """Run `command`, kill it at a random page, check the archive; (kills, torn files seen)."""
    kills = torn = 0
    for number in range(rounds):
        before = _requests(site)
        target = before + rng.randint(1, PAGES)
        process = start(config, *command())
        if stop_when(process, lambda target=target: _requests(site) >= target):
            time.sleep(rng.random() * 0.2)  # land anywhere between two pages, not just after one
            kill9(process)
            kills += 1
        else:
            process.communicate(timeout=30)
        integrity = check_archive(config)
        database = [p for p in integrity.problems if "torn at byte" not in p]
        assert database == [], f"round {number}: {database}"
        torn += len(integrity.problems) - len(database)
        if number % 2:
            # Every other round the CLI repairs; otherwise the next writer must.
            check = newsarchive(config, "warc", "check")
            assert check.returncode in (0, 1) and "Traceback" not in check.stderr, check.stderr
            fixed = newsarchive(config, "warc", "repair")
            assert fixed.returncode == 0, fixed.stderr
            assert warc_problems(config) == []
    return kills, torn


def stop_when_gone(pids: list[int], limit: float) -> list[int]:
    """The pids still running after `limit` seconds (a bound on waiting, not a timing assertion)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


def _archived(config: ArchiveConfig) -> dict[str, int]:
    with Archive(config) as archive, archive.sessions() as session:
        return {a.canonical_url: a.version_count for a in session.scalars(select(Article))}


@pytest.mark.slow
def test_kill9_during_capture(news_site: NewsSite, archive_config: ArchiveConfig, case) -> None:
    backend = archive_config.db_url.split(":")[0]
    # PostgreSQL's own crash safety is not ours to prove: fewer rounds there by default.
    rounds, seed = kill_rounds(5 if backend == "sqlite" else 2), _seed()
    entry = case(
        GROUP,
        f"kill -9 `newsarchive capture` of {PAGES} pages ({backend})",
        "captures whole, WARC records readable, torn tails repaired; a rerun finishes with 1 version each",
    )
    urls = [news_site.url(f"/gen/{n}.html") for n in range(PAGES)]
    # Incompressible 3 MiB bodies (refused later as binary, but recorded first) make WARC
    # writes long enough for kills to land inside them: real torn tails for the next run.
    heavy = [news_site.url(f"/fault/binary?kb=3072&seed={n}") for n in range(8)]
    rng = random.Random(seed)

    def command() -> list[str]:
        return ["capture", *FAST, *rng.sample(urls + heavy, len(urls) + len(heavy))]

    kills, torn = _kill_loop(archive_config, news_site, command, rounds, rng)
    final = newsarchive(archive_config, "capture", *FAST, *urls)
    assert final.returncode == 0, final.stderr[-2000:]
    archived = _archived(archive_config)
    entry.lost = len(set(urls) - set(archived))
    assert entry.lost == 0
    assert set(archived.values()) == {1}, "a page captured again after a crash got a second version"
    integrity = check_archive(archive_config)
    assert integrity.problems == []
    entry.observed = (
        f"{kills}/{rounds} runs killed mid-crawl (seed {seed}), {torn} torn WARC tails seen and repaired; "
        f"rerun: {len(archived)}/{PAGES} archived, 1 version each, {integrity.captures} captures all readable"
    )


@pytest.mark.slow
def test_kill9_during_crawl(news_site: NewsSite, tmp_path: Path, case) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'crawl.db'}")
    rounds, seed = kill_rounds(), _seed()
    entry = case(
        GROUP,
        f"kill -9 `newsarchive crawl` of a {PAGES}-item feed (sqlite)",
        "the next crawl resumes and finishes; 1 version each; nothing torn",
    )
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "local"\nfeeds = ["{news_site.url(f"/fault/huge-feed.xml?n={PAGES}")}"]\n'
    )
    command = ["crawl", "--sources", str(sources), "--no-throttle"]
    kills, torn = _kill_loop(config, news_site, lambda: command, rounds, random.Random(seed))
    final = newsarchive(config, *command)
    assert final.returncode == 0, final.stderr[-2000:]
    archived = _archived(config)
    with Archive(config) as archive, archive.sessions() as session:
        statuses = Counter(session.scalars(select(CrawlRun.status)))
    # Killed runs are marked interrupted by the next one, never left "running" (a kill that
    # lands after a run recorded its end leaves it "finished", which is true too).
    assert statuses["running"] == 0 and statuses["interrupted"] + statuses["finished"] == rounds + 1, statuses
    assert statuses["interrupted"] >= 1 or kills == 0, statuses
    expected = {news_site.url(f"/gen/{n}.html") for n in range(PAGES)}
    entry.lost = len(expected - set(archived))
    assert entry.lost == 0
    assert set(archived.values()) == {1}
    integrity = check_archive(config)
    assert integrity.problems == []
    entry.observed = (
        f"{kills}/{rounds} crawls killed (seed {seed}), {torn} torn WARC tails repaired; "
        f"final crawl: {len(archived)}/{PAGES} archived once; runs {dict(statuses)}; "
        f"{final.stdout.strip()[:110]}"
    )


@pytest.mark.slow
def test_kill9_of_the_crawl_process_alone_leaves_no_workers(
    news_site: NewsSite, tmp_path: Path, case
) -> None:
    entry = case(
        GROUP,
        "kill -9 of the crawl process only (as the OOM killer does)",
        "its extraction workers exit by themselves",
    )
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'crawl.db'}")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "local"\nfeeds = ["{news_site.url("/fault/huge-feed.xml?n=400")}"]\n'
    )
    process = start(config, "crawl", "--sources", str(sources), "--no-throttle")
    try:

        def workers() -> dict[int, str]:
            return {pid: cmd for pid, cmd in children(process.pid).items() if "spawn_main" in cmd}

        assert stop_when(process, lambda: len(workers()) >= 1 and _requests(news_site) >= 40)
        pool = workers()
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        assert stop_when_gone(list(pool), limit=30) == [], "extraction workers outlived their crawl"
        entry.observed = f"{len(pool)} worker(s) exited after their crawl process was killed"
    finally:
        kill9(process)  # the group: anything left behind by this test
