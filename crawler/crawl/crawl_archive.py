"""The crawl's one Archive handle, shared by its spider, pipeline and extensions.

Each component used to open its own engine on the same database (three
connection pools per crawl, three sets of connections on PostgreSQL). The
first component to ask opens the archive and keeps it on the crawler; the
others get the same handle; it closes once, when the engine has stopped
(after every spider_closed handler and the pipeline's close_spider ran).
"""

from __future__ import annotations

from typing import Any

from scrapy import signals

from newsarchive.crawler.crawl.pipeline.catch_up import install as install_catch_up
from newsarchive.crawler.crawl.runner import archive_config
from newsarchive.storage.archive import Archive

# The attribute on the Scrapy Crawler that holds the handle.
ATTRIBUTE = "newsarchive_archive"


def crawl_archive(crawler: Any) -> Archive:
    """The crawler's Archive, opened (schema checked) on first use and closed when the engine stops."""
    archive = getattr(crawler, ATTRIBUTE, None)
    if archive is None:
        archive = Archive(archive_config(crawler.settings))
        install_catch_up(archive)  # no capture is compared with another extractor's reading
        setattr(crawler, ATTRIBUTE, archive)
        crawler.signals.connect(_closer(archive), signal=signals.engine_stopped, weak=False)
    return archive


def _closer(archive: Archive) -> Any:
    def close() -> None:
        archive.close()

    return close
