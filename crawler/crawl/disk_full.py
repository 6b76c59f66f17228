"""A full disk stops the crawl: one clear line, a non-zero exit, nothing half-recorded.

When the archive's disk fills, every WARC write and every commit after it
fails the same way; letting each fail on its own printed hundreds of
tracebacks and ended "finished". Instead the first failure stops the spider
with the reason "disk_full" and later ones are dropped quietly. Nothing is
lost by stopping: a page whose capture was not committed stays queued in the
frontier, so the next crawl (with space freed) fetches it again.
"""

from __future__ import annotations

import errno
import logging

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

log = logging.getLogger(__name__)

DISK_FULL = "disk_full"  # the spider's close reason
MESSAGE = (
    "the archive's disk is full or failing (no space left on device, or an I/O error): crawl stopped; "
    "pages not recorded stay queued for the next crawl"
)
_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
# How the databases say it: SQLite ("database or disk is full"; "disk I/O error"
# when its WAL or shared-memory file cannot grow), PostgreSQL ("could not
# extend file ...: No space left on device"). An I/O error that is not a full
# disk is as fatal to the crawl, and stopping cleanly is as right.
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


def stop_for_disk_full(crawler: Crawler) -> None:
    """Stop the crawl, once, saying why in one line."""
    stats = crawler.stats
    if stats is not None:
        if stats.get_value("newsarchive/disk_full"):
            return
        stats.set_value("newsarchive/disk_full", 1)
    log.info(MESSAGE)  # the command says it once, as its last line
    engine = crawler.engine
    if engine is not None and engine.running:
        # Scheduled, not awaited: the caller is inside a request or an item
        # the engine waits for while it closes.
        deferred_from_coro(engine.close_spider_async(reason=DISK_FULL))
