"""Crawl-run bookkeeping: open a run, close it with its stats, and tidy up after killed ones.

A run left "running" by a process that was killed (SIGKILL, a power cut) is
marked "interrupted" by the next run: its process is gone from this host,
or, on another host, its heartbeat has stopped (or, for a run from before
heartbeats, it is older than any crawl could take).

A crawl of a source that another live crawl is still working on would fetch
the same queued URLs a second time: `start_crawl_run` leaves such sources
out (cron starting a crawl every 15 minutes while a first big one runs).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.models import CrawlRun
from newsarchive.storage.reconnect import reconnecting

# A run on another host from before heartbeats cannot be checked for life; after this long it is dead.
STALE_AFTER = timedelta(hours=12)
# A run on another host whose heartbeat is this old is dead (it beats every minute by default).
SILENT_AFTER = timedelta(minutes=10)
# The PostgreSQL advisory lock that serialises crawl starts (any constant; "naCR").
_START_LOCK = 0x6E614352


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


@dataclass(frozen=True)
class BusyRun:
    """Another live crawl holding a source: who, so the skip can be explained."""

    run_id: int
    pid: int | None
    host: str | None
    started_at: datetime


def _new_run(kind: str, sources: Sequence[str], worker: bool = False) -> CrawlRun:
    now = datetime.now(UTC)
    stats: dict[str, Any] = {"pid": os.getpid(), "host": socket.gethostname()}
    if worker:
        stats["worker"] = True
    return CrawlRun(
        kind=kind, sources=list(sources), started_at=now, heartbeat_at=now, status="running", stats=stats
    )


def start_run(
    sessions: sessionmaker[Session], kind: str, sources: Sequence[str], *, worker: bool = False
) -> int:
    """worker: a distributed worker's pass (many run at once over the same sources, by design)."""
    with sessions.begin() as session:
        run = _new_run(kind, sources, worker)
        session.add(run)
        session.flush()
        return run.id


def start_crawl_run(
    sessions: sessionmaker[Session], sources: Sequence[str]
) -> tuple[int, dict[str, BusyRun]]:
    """Open a crawl run of those of `sources` no other running crawl holds; returns its id and the rest.

    The run's row goes in first and the others are read after it, in one
    transaction: on SQLite the insert takes the write lock, on PostgreSQL an
    advisory lock is taken first, so of two crawls starting at once the
    second always sees the first. The row then lists only the sources it
    took. Call mark_interrupted first, so that dead runs hold nothing.
    """
    with sessions.begin() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _START_LOCK})
        run = _new_run("crawl", sources)
        session.add(run)
        session.flush()
        busy: dict[str, BusyRun] = {}
        others = session.scalars(
            select(CrawlRun).where(
                CrawlRun.status == "running", CrawlRun.kind == "crawl", CrawlRun.id != run.id
            )
        )
        for other in others:
            info = other.stats or {}
            if info.get("worker"):
                continue  # distributed workers share their sources through Redis
            for name in set(other.sources or []) & set(sources):
                busy.setdefault(name, BusyRun(other.id, info.get("pid"), info.get("host"), other.started_at))
        if busy:
            run.sources = [name for name in sources if name not in busy]
        return run.id, busy


@reconnecting
def heartbeat(sessions: sessionmaker[Session], run_id: int) -> None:
    """The run's process is alive (crawler.extensions.RunHeartbeat calls this every minute)."""
    with sessions.begin() as session:
        session.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(heartbeat_at=datetime.now(UTC)))


@reconnecting
def finish_run(
    sessions: sessionmaker[Session], run_id: int, status: str, stats: dict[str, Any], error: str | None = None
) -> None:
    with sessions.begin() as session:
        run = session.get(CrawlRun, run_id)
        if run is None:
            return
        run.status = status
        run.finished_at = datetime.now(UTC)
        run.stats = {**(run.stats or {}), **stats}
        run.error = error


@reconnecting
def mark_interrupted(sessions: sessionmaker[Session], now: datetime | None = None) -> list[int]:
    """Mark runs whose process is gone as "interrupted"; returns their ids."""
    now = now or datetime.now(UTC)
    host = socket.gethostname()
    marked: list[int] = []
    with sessions.begin() as session:
        for run in session.scalars(select(CrawlRun).where(CrawlRun.status == "running")):
            info = run.stats or {}
            pid = info.get("pid")
            here = info.get("host") == host and isinstance(pid, int)
            dead = (here and isinstance(pid, int) and not _alive(pid)) or (not here and _silent(run, now))
            if dead and pid != os.getpid():
                run.status = "interrupted"
                run.finished_at = now
                run.error = "the crawl process ended without closing the run (killed?)"
                marked.append(run.id)
    return marked


def _silent(run: CrawlRun, now: datetime) -> bool:
    """A run on another host: dead when its heartbeat stopped (or, from before heartbeats, when old)."""
    if run.heartbeat_at is None:
        return now - run.started_at > STALE_AFTER
    return now - run.heartbeat_at > SILENT_AFTER


def last_runs(sessions: sessionmaker[Session], kind: str = "crawl", scan: int = 500) -> dict[str, CrawlRun]:
    """The most recent run of each source, from the last `scan` runs."""
    latest: dict[str, CrawlRun] = {}
    with sessions() as session:
        runs = session.scalars(
            select(CrawlRun).where(CrawlRun.kind == kind).order_by(CrawlRun.id.desc()).limit(scan)
        )
        for run in runs:
            for name in run.sources or []:
                latest.setdefault(name, run)
    return latest
