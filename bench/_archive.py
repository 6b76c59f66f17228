"""The benchmark's archive: the newsarchive command on it, fresh PostgreSQL schemas, what a run recorded."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

# The benchmark's site runs on 127.0.0.1, which crawls refuse unless it is named.
LOCAL_SITE = ("--allow-private-hosts", "127.0.0.1")


def newsarchive(home: Path, db_url: str, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "newsarchive.crawler.cli",
        "--home",
        str(home),
        "--db",
        db_url,
        *LOCAL_SITE,
        *args,
    ]


def database_server_cpu(db_url: str) -> float | None:
    """CPU seconds the local PostgreSQL server has used so far (None for SQLite, which runs in the crawl).

    Backends come and go with connections: the server's processes' own time
    plus the time of the children they reaped (where an ended backend's goes).
    """
    if not db_url.startswith("postgresql"):
        return None
    import psutil

    total = 0.0
    for process in psutil.process_iter(["name"]):
        if process.info["name"] != "postgres":
            continue
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def pg_schema(server_url: str) -> tuple[str, Any]:
    """A fresh schema on the server and a function that drops it."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from newsarchive.storage.db import make_engine

    schema = f"na_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server_url)
    url = url.set(query={**dict(url.query), "options": f"-csearch_path={schema}"})

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


def last_run_seconds(db_url: str) -> tuple[float, dict[str, Any]]:
    from sqlalchemy import select

    from newsarchive.storage.db import make_engine, session_factory
    from newsarchive.storage.models import CrawlRun

    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).one()
        seconds = (run.finished_at - run.started_at).total_seconds()
        stats = dict(run.stats or {})
    engine.dispose()
    return seconds, stats


def make_all_due(db_url: str) -> int:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from newsarchive.storage.db import make_engine
    from newsarchive.storage.models import Article

    engine = make_engine(db_url)
    with engine.begin() as connection:
        done = connection.execute(
            update(Article).values(next_check_at=datetime.now(UTC) - timedelta(days=1))
        ).rowcount
    engine.dispose()
    return done


def archive_counts(db_url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from newsarchive.storage.db import make_engine, session_factory
    from newsarchive.storage.models import Article, Capture, Version

    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        counts = {
            m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
            for m in (Article, Version, Capture)
        }
    engine.dispose()
    return counts


def db_label(db_url: str) -> str:
    return "postgresql" if db_url.startswith("postgresql") else "sqlite"


def runs_span(db_url: str) -> float:
    """From the first worker's run start to the last one's finish."""
    from sqlalchemy import func, select

    from newsarchive.storage.db import make_engine, session_factory
    from newsarchive.storage.models import CrawlRun

    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        first, last = session.execute(
            select(func.min(CrawlRun.started_at), func.max(CrawlRun.finished_at))
        ).one()
    engine.dispose()
    return (last - first).total_seconds()
