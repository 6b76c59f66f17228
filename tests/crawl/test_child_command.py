"""One builder for the `newsarchive` child processes, and no password on their command lines.

The scheduler's jobs and the web app's captures both start the CLI as a
child. `ps` shows every user every command line, so the database URL (and a
Redis URL), which may carry a password, must reach the child through its
environment only, and must not be pickled into the scheduler's job store.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import create_engine, text

from newsarchive.crawler.crawl.child_command import child_command
from newsarchive.crawler.crawl.schedule.scheduler import (
    SchedulerOptions,
    make_scheduler,
    run_job,
    sync_jobs,
)
from newsarchive.crawler.crawl.sources import parse_sources
from newsarchive.crawler.web.capture import CaptureService
from newsarchive.crawler.web.config import WebSettings
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig

SECRET = "s3cret-pw"
REDIS = f"redis://:{SECRET}@127.0.0.1:6379/1"
SOURCES = '[[source]]\nname = "a"\nfeeds = ["https://x.test/a"]\nschedule = "0 6 * * *"\n'


@pytest.fixture
def config(tmp_path: Path) -> ArchiveConfig:
    # SQLite needs no password, but a URL with one (ignored by SQLite) shows where it would leak.
    return ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'elsewhere' / 'archive.db'}")


def _commands(config: ArchiveConfig, tmp_path: Path) -> Iterator[tuple[str, ...]]:
    secret_config = ArchiveConfig(home=config.home, db_url=f"postgresql://news:{SECRET}@db.internal/news")
    for redis_url in (None, REDIS):
        options = SchedulerOptions(secret_config, tmp_path / "sources.toml", redis_url=redis_url)
        for command in (options.crawl_command("a"), options.revisit_command()):
            assert command.env["NEWSARCHIVE_DB"] == secret_config.db_url
            if redis_url:
                assert command.env["NEWSARCHIVE_REDIS_URL"] == REDIS
            yield command.argv
    for allow_private in (False, True):
        command = CaptureService(secret_config, WebSettings(allow_private=allow_private)).command(
            "https://a.test/"
        )
        assert command.env["NEWSARCHIVE_DB"] == secret_config.db_url
        yield command.argv


def test_no_child_command_line_holds_a_password(config: ArchiveConfig, tmp_path: Path) -> None:
    lines = list(_commands(config, tmp_path))
    assert len(lines) == 6
    for argv in lines:
        assert not any(SECRET in arg for arg in argv), argv
        assert "--db" not in argv and "--redis" not in argv


def test_the_builder_refuses_credentials_in_the_arguments(config: ArchiveConfig) -> None:
    for args in (["--db", "sqlite://", "crawl"], ["enqueue", "--redis=redis://x"]):
        with pytest.raises(ValueError, match="environment"):
            child_command(config, args)


def test_a_scheduled_job_reaches_the_archive_through_its_environment(
    config: ArchiveConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The parent's own settings point elsewhere: only the job's environment names this archive.
    monkeypatch.setenv("NEWSARCHIVE_DB", f"sqlite:///{tmp_path / 'wrong.db'}")
    (tmp_path / "elsewhere").mkdir()
    command = child_command(config, ["db", "upgrade"])
    assert run_job("db upgrade", list(command.argv), timeout=60, env=dict(command.env)) == 0
    assert (tmp_path / "elsewhere" / "archive.db").exists()
    assert not (tmp_path / "wrong.db").exists()


def test_stored_jobs_hold_no_password_and_old_ones_are_rewritten(
    config: ArchiveConfig, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    Archive(config).close()
    # The job store is the archive, but the URL the jobs get carries a password.
    secret = SchedulerOptions(
        ArchiveConfig(config.home, f"{config.db_url}?password={SECRET}"),
        tmp_path / "sources.toml",
        command=(sys.executable, "-c", "pass"),
        redis_url=REDIS,
    )
    scheduler = make_scheduler(SchedulerOptions(config, tmp_path / "sources.toml"), BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        # A job stored by an older version, its argv carrying --db URL.
        old_argv = [
            sys.executable,
            "-m",
            "newsarchive.crawler.cli",
            "--db",
            secret.config.db_url,
            "crawl",
            "a",
        ]
        scheduler.add_job(run_job, "interval", hours=1, args=["crawl a", old_argv, 60.0, 1.0], id="crawl:a")
        sync_jobs(scheduler, parse_sources(SOURCES), secret)
        assert all(SECRET not in arg for job in scheduler.get_jobs() for arg in job.args[1])
    finally:
        scheduler.shutdown()
    engine = create_engine(config.db_url)
    with engine.connect() as connection:
        states = connection.execute(text("select job_state from apscheduler_jobs")).scalars().all()
    engine.dispose()
    assert len(states) == 2 and not any(SECRET.encode() in state for state in states)


def test_in_redis_mode_the_revisit_job_only_queues(config: ArchiveConfig, tmp_path: Path) -> None:
    """The Redis workers fetch the revisits; the scheduler's job queues them (`revisit --queue-only`)."""
    local = SchedulerOptions(config, tmp_path / "sources.toml").revisit_command()
    shared = SchedulerOptions(config, tmp_path / "sources.toml", redis_url=REDIS).revisit_command()
    assert "--queue-only" not in local.argv and "NEWSARCHIVE_REDIS_URL" not in local.env
    assert shared.argv[shared.argv.index("revisit") :][-3:] == ("--limit", "500", "--queue-only")
    assert shared.env["NEWSARCHIVE_REDIS_URL"] == REDIS
