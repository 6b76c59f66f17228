"""`newsarchive schedule`: APScheduler 3 starting each crawl and revisit as a subprocess.

Jobs live in the archive database (table `apscheduler_jobs`), so a restart
keeps them. They are reconciled with the sources file once the job store is
open: a job is added only when missing (re-adding with replace_existing would
drop a run missed during downtime), its trigger is replaced only when the
schedule changed, and jobs of removed sources go. Every job has
max_instances=1 (no overlapping runs of one source), coalesce=True and a
misfire grace time (a run missed while stopped runs once on restart).

A crawl is a subprocess (a Twisted reactor cannot restart) with a timeout;
on SIGTERM/SIGINT the scheduler stops taking jobs, sends running crawls
SIGINT (Scrapy's graceful stop) and waits for them, killing them only after
a grace period.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from newsarchive.crawler.crawl.child_command import PROGRAM, ChildCommand, child_command
from newsarchive.crawler.crawl.schedule.cron import cron_trigger
from newsarchive.crawler.crawl.schedule.lock import SchedulerLock, SchedulerLocked
from newsarchive.crawler.crawl.sources import Source
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.db import make_engine

log = logging.getLogger("newsarchive.scheduler")

JOBS_TABLE = "apscheduler_jobs"
CRAWL_PREFIX = "crawl:"
REVISIT_JOB = "revisit"
# After SIGINT, how long a crawl may take to close cleanly before it is killed.
STOP_GRACE = 60.0

_children: dict[int, subprocess.Popen[bytes]] = {}
_children_lock = threading.Lock()


@dataclass(frozen=True)
class SchedulerOptions:
    config: ArchiveConfig
    sources_file: Path
    revisit_every: timedelta = timedelta(minutes=5)
    revisit_limit: int = 500
    timeout: timedelta = timedelta(hours=2)
    misfire_grace: timedelta = timedelta(hours=1)
    extra_args: list[str] = field(default_factory=list)
    # The program started for each job; `newsarchive` run by this interpreter by default.
    command: tuple[str, ...] = PROGRAM
    stop_grace: float = STOP_GRACE
    # Set: a source's crawl job only queues its documents on this Redis frontier
    # for the distributed workers (`newsarchive enqueue`; docs/deploy.md).
    redis_url: str | None = None

    def crawl_command(self, source: str) -> ChildCommand:
        if self.redis_url:
            args = ["enqueue", "--sources", str(self.sources_file), source]
        else:
            args = ["crawl", "--sources", str(self.sources_file), *self.extra_args, source]
        return child_command(self.config, args, redis_url=self.redis_url, program=self.command)

    def revisit_command(self) -> ChildCommand:
        limit = ["--limit", str(self.revisit_limit)]
        # In Redis mode the job only queues the due articles; the workers
        # (`newsarchive revisit --redis` on their machines) fetch them.
        queue_only = ["--queue-only"] if self.redis_url else []
        args = ["revisit", "--sources", str(self.sources_file), *limit, *queue_only, *self.extra_args]
        return child_command(self.config, args, redis_url=self.redis_url, program=self.command)


# What every job's child gets on top of the scheduler's own environment: the
# archive's location (ChildCommand.env). Kept in the scheduler process, so a
# password is neither on a command line nor pickled into the job store (which
# holds only the argv). Set by run_scheduler.
_job_env: dict[str, str] = {}


def run_job(
    name: str,
    argv: list[str],
    timeout: float,
    stop_grace: float = STOP_GRACE,
    env: dict[str, str] | None = None,
) -> int:
    """Run one job's subprocess to the end (the job function APScheduler pickles by reference).

    env: set on top of this process's environment (default: the scheduler's archive, _job_env).
    """
    log.info("%s: starting", name)
    extra = _job_env if env is None else env
    # Its own session: a Ctrl-C on the terminal reaches only the scheduler, which
    # then stops the child once, cleanly (a second SIGINT makes Scrapy quit hard).
    child = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, start_new_session=True, env={**os.environ, **extra}
    )
    with _children_lock:
        _children[child.pid] = child
    try:
        try:
            code = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            log.warning("%s: still running after %.0f s, stopping it", name, timeout)
            code = _stop(child, stop_grace)
    finally:
        with _children_lock:
            _children.pop(child.pid, None)
    level = logging.INFO if code == 0 else logging.WARNING
    log.log(level, "%s: exited with status %s", name, code)
    return code


def _stop(child: subprocess.Popen[bytes], grace: float) -> int:
    if child.poll() is None:
        child.send_signal(signal.SIGINT)
    try:
        return child.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        child.kill()
        return child.wait()


def stop_children(grace: float) -> None:
    """SIGINT every running job, then wait (killing those that outlast the grace)."""
    with _children_lock:
        children = list(_children.values())
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    for child in children:
        _stop(child, grace)


def sync_jobs(scheduler: BaseScheduler, sources: Sequence[Source], options: SchedulerOptions) -> None:
    """Make the job store match the sources file without disturbing unchanged jobs."""
    timeout = options.timeout.total_seconds()
    wanted: dict[str, tuple[Any, list[Any]]] = {}
    for source in sources:
        if source.schedule:
            argv = list(options.crawl_command(source.name).argv)
            args = [f"crawl {source.name}", argv, timeout, options.stop_grace]
            wanted[CRAWL_PREFIX + source.name] = (cron_trigger(source.schedule, "UTC"), args)
    revisit_args = ["revisit", list(options.revisit_command().argv), timeout, options.stop_grace]
    wanted[REVISIT_JOB] = (
        IntervalTrigger(seconds=options.revisit_every.total_seconds(), timezone="UTC"),
        revisit_args,
    )
    for job in scheduler.get_jobs():
        if job.id.startswith(CRAWL_PREFIX) and job.id not in wanted:
            log.info("removing job %s (no longer scheduled in the sources file)", job.id)
            job.remove()
    for job_id, (trigger, args) in wanted.items():
        job = scheduler.get_job(job_id)
        if job is None:
            scheduler.add_job(
                run_job,
                trigger,
                args=args,
                id=job_id,
                name=args[0],
                max_instances=1,
                coalesce=True,
                misfire_grace_time=int(options.misfire_grace.total_seconds()),
            )
            log.info("added job %s (%s)", job_id, trigger)
            continue
        changes: dict[str, Any] = {}
        if list(job.args) != args:
            changes["args"] = args
        if job.misfire_grace_time != int(options.misfire_grace.total_seconds()):
            changes["misfire_grace_time"] = int(options.misfire_grace.total_seconds())
        if changes:
            job.modify(**changes)
        if str(job.trigger) != str(trigger):
            # Only a changed schedule gets a new trigger (and a new next run time).
            log.info("rescheduling job %s: %s -> %s", job_id, job.trigger, trigger)
            job.reschedule(trigger)


def make_scheduler(options: SchedulerOptions, kind: type[BaseScheduler] = BlockingScheduler) -> Any:
    """A scheduler on the archive's job store (tests pass BackgroundScheduler)."""
    store = SQLAlchemyJobStore(engine=make_engine(options.config.db_url), tablename=JOBS_TABLE)
    return kind(
        jobstores={"default": store},
        executors={"default": ThreadPoolExecutor(max_workers=8)},
        job_defaults={"max_instances": 1, "coalesce": True},
        timezone="UTC",
    )


def run_scheduler(options: SchedulerOptions, sources: Sequence[Source]) -> int:
    """Run until SIGTERM or SIGINT; returns the process exit status."""
    lock = SchedulerLock(options.config)
    try:
        lock.acquire()
    except SchedulerLocked as exc:
        log.error("%s", exc)
        return 3
    scheduler = make_scheduler(options)
    _job_env.clear()
    _job_env.update(options.revisit_command().env)
    failure: list[BaseException] = []

    def on_started(_event: object) -> None:
        # The store is open only now (a stopped scheduler's get_job sees pending jobs only).
        try:
            sync_jobs(scheduler, sources, options)
        except Exception as exc:  # reported after the loop ends
            failure.append(exc)
            threading.Thread(target=scheduler.shutdown, kwargs={"wait": False}).start()
            return
        scheduler.resume()
        for job in scheduler.get_jobs():
            log.info("job %s: next run %s", job.id, job.next_run_time)

    stopping = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        if stopping.is_set():
            return
        stopping.set()
        log.info("received %s: stopping", signal.Signals(signum).name)
        # Not from the handler itself: shutdown takes locks the interrupted code may hold.
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": False}).start()

    scheduler.add_listener(on_started, EVENT_SCHEDULER_STARTED)
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler.start(paused=True)
    finally:
        stop_children(options.stop_grace)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        lock.release()
    if failure:
        log.error("could not set up the jobs: %s", failure[0])
        return 1
    log.info("scheduler stopped")
    return 0
