"""One scheduler per archive: APScheduler 3 runs every job twice with two on one job store.

PostgreSQL: a session-level advisory lock, held by a connection kept open for
the scheduler's life (the server drops it if the process dies). SQLite and
anything else: an exclusive flock on a file next to the database (or in the
data directory); the kernel drops it when the process dies.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.db import make_engine


class SchedulerLocked(RuntimeError):
    """Another scheduler holds the lock on this archive."""


def _advisory_key(schema: str, database: str) -> int:
    digest = hashlib.sha256(f"newsarchive-scheduler:{database}:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SchedulerLock:
    def __init__(self, config: ArchiveConfig) -> None:
        self.config = config
        self._file: Any = None
        self._engine: Any = None
        self._connection: Any = None

    def lock_file(self) -> Path:
        url = make_url(self.config.db_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).expanduser().with_name(Path(url.database).name + ".scheduler.lock")
        return self.config.home / "scheduler.lock"

    def acquire(self) -> None:
        if make_url(self.config.db_url).get_backend_name() == "postgresql":
            self._acquire_advisory()
        else:
            self._acquire_file()

    def _acquire_file(self) -> None:
        path = self.lock_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise SchedulerLocked(
                f"a scheduler is already running on this archive ({holder}; lock {path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        self._file = handle

    def _acquire_advisory(self) -> None:
        self._engine = make_engine(self.config.db_url)
        self._connection = self._engine.connect()
        schema = self._connection.execute(text("select current_schema()")).scalar() or "public"
        database = self._connection.execute(text("select current_database()")).scalar() or ""
        got = self._connection.execute(
            text("select pg_try_advisory_lock(:key)"), {"key": _advisory_key(schema, database)}
        ).scalar()
        self._connection.commit()
        if not got:
            self.release()
            raise SchedulerLocked(f"a scheduler is already running on this archive (schema {schema})")

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._connection is not None:
            self._connection.close()  # ends the session, and with it the advisory lock
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> SchedulerLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
