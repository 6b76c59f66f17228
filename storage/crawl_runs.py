"""Crawl-run bookkeeping: open a run, close it with its stats, and tidy up after killed ones.

A run left "running" by a process that was killed (SIGKILL, a power cut) is
marked "interrupted" by the next run: its process is gone from this host, or
it is older than any crawl could take.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import CrawlRun

# A crawl on another host cannot be checked for life; after this long it is dead.
STALE_AFTER = timedelta(hours=12)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def start_run(sessions: sessionmaker[Session], kind: str, sources: Sequence[str]) -> int:
    with sessions.begin() as session:
        run = CrawlRun(
            kind=kind,
            sources=list(sources),
            started_at=datetime.now(UTC),
            status="running",
            stats={"pid": os.getpid(), "host": socket.gethostname()},
        )
        session.add(run)
        session.flush()
        return run.id


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
            dead = (here and not _alive(pid)) or (not here and now - run.started_at > STALE_AFTER)
            if dead and pid != os.getpid():
                run.status = "interrupted"
                run.finished_at = now
                run.error = "the crawl process ended without closing the run (killed?)"
                marked.append(run.id)
    return marked


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
