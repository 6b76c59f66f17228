"""The scheduler: real APScheduler 3 and a real job store in the archive database."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select, text

from newsarchive.crawler.crawl.schedule.lock import SchedulerLock, SchedulerLocked
from newsarchive.crawler.crawl.schedule.scheduler import (
    JOBS_TABLE,
    REVISIT_JOB,
    SchedulerOptions,
    make_scheduler,
    run_job,
    stop_children,
    sync_jobs,
)
from newsarchive.crawler.crawl.sources import parse_sources
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.db import make_engine
from newsarchive.storage.models import CrawlRun
from tests.crawl.conftest import ROOT, cli_argv, sources_toml
from tests.site import NewsSite

FAKE_JOB = """\
import os, pathlib, sys, time
log = pathlib.Path(os.environ["FAKE_JOB_LOG"])
with log.open("a") as f:
    f.write(f"start {time.time()} {sys.argv[-1]}\\n")
time.sleep(float(os.environ.get("FAKE_JOB_SLEEP", "0")))
with log.open("a") as f:
    f.write(f"end {time.time()} {sys.argv[-1]}\\n")
"""


@pytest.fixture
def job_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "jobs.log"
    monkeypatch.setenv("FAKE_JOB_LOG", str(log))
    return log


def _options(config: ArchiveConfig, tmp_path: Path, **kwargs: object) -> SchedulerOptions:
    script = tmp_path / "fake_job.py"
    script.write_text(FAKE_JOB)
    return SchedulerOptions(
        config=config, sources_file=tmp_path / "sources.toml", command=(sys.executable, str(script)), **kwargs
    )


def _sources(*pairs: tuple[str, str]) -> list:
    text_ = "".join(
        f'[[source]]\nname = "{n}"\nfeeds = ["https://x.test/{n}"]\nschedule = "{s}"\n' for n, s in pairs
    )
    return parse_sources(text_)


@pytest.fixture
def scheduler_factory(archive_config: ArchiveConfig) -> Iterator[Callable[[], BackgroundScheduler]]:
    """Real schedulers on the archive's job store, shut down after the test."""
    Archive(archive_config).close()
    made: list[BackgroundScheduler] = []

    def make() -> BackgroundScheduler:
        scheduler = make_scheduler(SchedulerOptions(archive_config, Path("x")), BackgroundScheduler)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        if scheduler.running:
            scheduler.shutdown(wait=True)


def _job_rows(config: ArchiveConfig) -> list[str]:
    with Archive(config) as archive, archive.engine.connect() as connection:
        return sorted(connection.execute(text("select id from apscheduler_jobs")).scalars())


def test_jobs_survive_a_restart_without_duplicates_and_follow_the_file(
    archive_config: ArchiveConfig, tmp_path: Path, scheduler_factory: Callable[[], BackgroundScheduler]
) -> None:
    options = _options(archive_config, tmp_path)
    first = scheduler_factory()
    first.start(paused=True)
    sync_jobs(first, _sources(("a", "0 6 * * *"), ("b", "*/15 * * * *")), options)
    next_a = first.get_job("crawl:a").next_run_time
    first.shutdown()
    assert _job_rows(archive_config) == ["crawl:a", "crawl:b", REVISIT_JOB]

    second = scheduler_factory()
    second.start(paused=True)
    sync_jobs(second, _sources(("a", "0 6 * * *"), ("b", "*/15 * * * *")), options)
    assert _job_rows(archive_config) == ["crawl:a", "crawl:b", REVISIT_JOB]
    assert second.get_job("crawl:a").next_run_time == next_a  # untouched, not re-added
    # b's schedule changes, c is new, a is gone from the file.
    sync_jobs(second, _sources(("b", "0 * * * *"), ("c", "30 5 * * 1")), options)
    assert _job_rows(archive_config) == ["crawl:b", "crawl:c", REVISIT_JOB]
    assert "minute='0'" in str(second.get_job("crawl:b").trigger)
    assert "day_of_week='mon'" in str(second.get_job("crawl:c").trigger)
    job = second.get_job("crawl:c")
    assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, 3600)
    assert job.args[1][-3:] == ["--sources", str(options.sources_file), "c"]


def _set_next_run(config: ArchiveConfig, job_id: str, when: datetime) -> None:
    """Edit the stored job as if the scheduler had been down since `when` (no scheduler awake)."""
    store = SQLAlchemyJobStore(engine=make_engine(config.db_url), tablename=JOBS_TABLE)
    holder = BackgroundScheduler(timezone="UTC")
    store.start(holder, "default")
    job = store.lookup_job(job_id)
    job._modify(next_run_time=when)
    store.update_job(job)
    store.shutdown()


def test_a_run_missed_during_downtime_runs_once(
    archive_config: ArchiveConfig,
    tmp_path: Path,
    job_log: Path,
    scheduler_factory: Callable[[], BackgroundScheduler],
) -> None:
    options = _options(archive_config, tmp_path, revisit_every=timedelta(days=1))
    sources = _sources(("late", "0 6 1 1 *"), ("too-late", "0 6 1 1 *"))
    first = scheduler_factory()
    first.start(paused=True)
    sync_jobs(first, sources, options)
    # The scheduler was down when these were due: 3 runs of "late" missed (coalesced
    # to one), "too-late" missed by more than the grace time.
    first.shutdown()
    _set_next_run(archive_config, "crawl:late", datetime.now(UTC) - timedelta(minutes=3))
    _set_next_run(archive_config, "crawl:too-late", datetime.now(UTC) - timedelta(hours=2))

    second = scheduler_factory()
    second.start(paused=True)
    sync_jobs(second, sources, options)
    second.resume()
    deadline = time.monotonic() + 20
    while "end" not in (job_log.read_text() if job_log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    lines = job_log.read_text().splitlines()
    assert [line.split()[::2] for line in lines] == [["start", "late"], ["end", "late"]]
    assert second.get_job("crawl:late").next_run_time.year > datetime.now(UTC).year - 1


def test_no_overlapping_runs_of_one_source(
    sqlite_config: ArchiveConfig,
    tmp_path: Path,
    job_log: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FAKE_JOB_SLEEP", "1.6")
    options = _options(sqlite_config, tmp_path, revisit_every=timedelta(days=1))
    Archive(sqlite_config).close()
    scheduler = make_scheduler(SchedulerOptions(sqlite_config, Path("x")), BackgroundScheduler)
    scheduler.start(paused=True)
    sync_jobs(scheduler, _sources(("busy", "* * * * * *")), options)  # every second
    scheduler.resume()
    time.sleep(4.5)
    scheduler.shutdown(wait=True)
    events = [
        (kind, float(at)) for kind, at, _ in (line.split() for line in job_log.read_text().splitlines())
    ]
    starts = [at for kind, at in events if kind == "start"]
    ends = [at for kind, at in events if kind == "end"]
    assert len(starts) >= 2
    # Each run starts after the previous one ended: max_instances=1 skipped the overlaps.
    for previous_end, next_start in zip(ends, starts[1:], strict=False):
        assert next_start >= previous_end


def test_one_scheduler_per_archive(archive_config: ArchiveConfig) -> None:
    Archive(archive_config).close()
    with SchedulerLock(archive_config), pytest.raises(SchedulerLocked, match="already running"):
        SchedulerLock(archive_config).acquire()
    with SchedulerLock(archive_config):  # released: free again
        pass


def test_schedule_command_crawls_on_time_and_stops_cleanly(
    news_site: NewsSite, sqlite_config: ArchiveConfig, tmp_path: Path
) -> None:
    # SQLite only: the job store and the PostgreSQL lock are tested on both above.
    path = tmp_path / "sources.toml"
    path.write_text(sources_toml(news_site, feeds=[news_site.url("/rss.xml")], schedule="* * * * * *"))
    argv = cli_argv(
        sqlite_config, "schedule", "--sources", str(path), "--no-throttle", "--revisit-every", "1h"
    )
    argv += ["-s", "NEWSARCHIVE_EXTRACT_WORKERS=0"]
    Archive(sqlite_config).close()
    scheduler = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with Archive(sqlite_config) as archive:
            deadline = time.monotonic() + 40
            finished = 0
            while finished < 2 and time.monotonic() < deadline and scheduler.poll() is None:
                time.sleep(0.2)
                with archive.sessions() as session:
                    finished = session.scalar(
                        select(func.count()).select_from(CrawlRun).where(CrawlRun.status == "finished")
                    )
            assert finished >= 2, scheduler.stderr.read() if scheduler.poll() is not None else "timed out"
            second = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=30)
            assert second.returncode == 3 and "already running" in second.stderr
        scheduler.send_signal(signal.SIGTERM)
        _, err = scheduler.communicate(timeout=60)
        assert scheduler.returncode == 0, err[-3000:]
        assert "added job crawl:local" in err and "scheduler stopped" in err
        with Archive(sqlite_config) as archive, archive.sessions() as session:
            runs = list(session.scalars(select(CrawlRun).order_by(CrawlRun.started_at)))
            assert {r.status for r in runs} <= {"finished", "interrupted"}
            assert sum(r.stats.get("totals", {}).get("new_article", 0) for r in runs) == len(
                news_site.articles
            )
            crawls = [r for r in runs if r.kind == "crawl" and r.finished_at]
            for earlier, later in zip(crawls, crawls[1:], strict=False):
                assert later.started_at >= earlier.finished_at  # never two crawls of one source at once
        assert _job_rows(sqlite_config) == ["crawl:local", REVISIT_JOB]
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
            scheduler.wait()


def test_a_job_past_its_timeout_is_interrupted(
    tmp_path: Path, job_log: Path, monkeypatch: pytest.MonkeyPatch, sqlite_config: ArchiveConfig
) -> None:
    monkeypatch.setenv("FAKE_JOB_SLEEP", "30")
    argv = list(_options(sqlite_config, tmp_path).crawl_command("slow").argv)
    started = time.monotonic()
    code = run_job("crawl slow", argv, timeout=0.5, stop_grace=5)
    assert time.monotonic() - started < 5
    assert code != 0  # SIGINT ended it (KeyboardInterrupt in the fake job)
    assert [line.split()[0] for line in job_log.read_text().splitlines()] == ["start"]


def test_stopping_interrupts_running_jobs(
    tmp_path: Path, job_log: Path, monkeypatch: pytest.MonkeyPatch, sqlite_config: ArchiveConfig
) -> None:
    monkeypatch.setenv("FAKE_JOB_SLEEP", "30")
    argv = list(_options(sqlite_config, tmp_path).crawl_command("busy").argv)
    codes: list[int] = []
    worker = threading.Thread(target=lambda: codes.append(run_job("crawl busy", argv, timeout=60)))
    worker.start()
    deadline = time.monotonic() + 10
    while not job_log.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    stop_children(grace=5)
    worker.join(timeout=10)
    assert codes and codes[0] != 0
    assert [line.split()[0] for line in job_log.read_text().splitlines()] == ["start"]
