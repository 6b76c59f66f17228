"""Whether an error means the archive cannot take writes at all: a full disk, or a read-only archive.

Every write after the first such error fails the same way, so the commands
stop at the first one with one line (crawls: crawler/crawl/disk_full.py;
import: crawler/warcin) instead of failing every page on its own.
"""

from __future__ import annotations

import errno

DISK_FULL = "disk_full"  # the spider's close reason
# What is wrong, for every command; each command's message adds what it did about it.
PROBLEMS = {
    DISK_FULL: "the archive's disk is full or failing (no space left on device, or an I/O error)",
    "archive_read_only": "the archive is read-only (the database refuses writes)",
}
MESSAGE = f"{PROBLEMS[DISK_FULL]}: crawl stopped; pages not recorded stay queued for the next crawl"
# A read-only archive (file permissions, a read-only mount, a read-only
# PostgreSQL standby) fails every write the same way: stopped just as early.
READ_ONLY = "archive_read_only"
READ_ONLY_MESSAGE = (
    f"{PROBLEMS[READ_ONLY]}: nothing more can be recorded; "
    "check the permissions of the database and the archive's folder"
)
_READ_ONLY_MESSAGES = (
    "attempt to write a readonly database",
    "read-only file system",
    "read-only transaction",
)
_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
# How the databases say it: SQLite ("database or disk is full"; "disk I/O error"
# when its WAL or shared-memory file cannot grow), PostgreSQL ("could not
# extend file ...: No space left on device"). An I/O error that is not a full
# disk is as fatal to the crawl, and stopping cleanly is as right.
MESSAGES = {DISK_FULL: MESSAGE, READ_ONLY: READ_ONLY_MESSAGE}


def stop_message(finish_reason: object) -> str | None:
    """The one line to say for a crawl's close reason, if the archive stopped taking writes."""
    return MESSAGES.get(finish_reason) if isinstance(finish_reason, str) else None


_DB_MESSAGES = (
    "database or disk is full",
    "no space left on device",
    "could not extend file",
    "disk i/o error",
)


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether this error (or one it was raised from) is a full disk or quota."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _ERRNOS:
            return True
        origin = getattr(exc, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
        message = str(origin if origin is not None else exc).lower()
        if any(text in message for text in _DB_MESSAGES):
            return True
        exc = exc.__cause__ or exc.__context__ or (origin if isinstance(origin, BaseException) else None)
    return False


def is_read_only(exc: BaseException | None) -> bool:
    """Whether this error (or one it was raised from) is the archive refusing writes."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno == errno.EROFS:
            return True
        origin = getattr(exc, "orig", None)
        message = str(origin if origin is not None else exc).lower()
        if any(text in message for text in _READ_ONLY_MESSAGES):
            return True
        exc = exc.__cause__ or exc.__context__ or (origin if isinstance(origin, BaseException) else None)
    return False


def unwritable(exc: BaseException | None) -> str | None:
    """DISK_FULL or READ_ONLY when the archive cannot take writes at all, else None."""
    if is_disk_full(exc):
        return DISK_FULL
    return READ_ONLY if is_read_only(exc) else None


class ArchiveUnwritable(Exception):
    """Raised to stop a command whose archive cannot take writes; `reason` is DISK_FULL or READ_ONLY."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(reason)
