"""A full disk stops the crawl: one clear line, a non-zero exit, nothing half-recorded.

When the archive's disk fills, every WARC write and every commit after it
fails the same way; letting each fail on its own printed hundreds of
tracebacks and ended "finished". Instead the first failure stops the spider
with the reason "disk_full" and later ones are dropped quietly. Nothing is
lost by stopping: a page whose capture was not committed stays queued in the
frontier, so the next crawl (with space freed) fetches it again.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from newsarchive.storage.unwritable import (  # noqa: F401 - the crawl's names for them
    DISK_FULL,
    MESSAGE,
    MESSAGES,
    READ_ONLY,
    READ_ONLY_MESSAGE,
    is_disk_full,
    is_read_only,
    stop_message,
    unwritable,
)

log = logging.getLogger(__name__)


def stop_for_disk_full(crawler: Crawler, reason: str = DISK_FULL) -> None:
    """Stop the crawl, once, saying why in one line (`reason`: DISK_FULL or READ_ONLY)."""
    stats = crawler.stats
    if stats is not None:
        if stats.get_value("newsarchive/unwritable"):
            return
        stats.set_value("newsarchive/unwritable", reason)
    log.info(MESSAGES[reason])  # the command says it once, as its last line
    engine = crawler.engine
    if engine is not None and engine.running:
        # Scheduled, not awaited: the caller is inside a request or an item
        # the engine waits for while it closes.
        deferred_from_coro(engine.close_spider_async(reason=reason))
