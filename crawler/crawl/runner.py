"""Running a spider from the CLI, with the archive's settings, and collecting results.

A Twisted reactor cannot be restarted, so one process runs one crawl; the
scheduler starts each crawl as a subprocess of its own.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.log import DEFAULT_LOGGING

from newsarchive.crawler.crawl import stopping
from newsarchive.crawler.crawl.signals import capture_recorded
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.write.service import CaptureResult

_PER_URL_REPORTED = ("scrapy.downloadermiddlewares.retry", "newsarchive.crawler.crawl.downloader.robots")


def build_settings(config: ArchiveConfig, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("newsarchive.crawler.crawl.settings", priority="project")
    settings.set("NEWSARCHIVE_HOME", str(config.home), priority="cmdline")
    settings.set("NEWSARCHIVE_DB", config.db_url, priority="cmdline")
    # The CLI configures logging (stderr); Scrapy must not add a second root handler.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def archive_config(settings: Settings) -> ArchiveConfig:
    """The archive a crawl's settings point at (what build_settings put there)."""
    return ArchiveConfig.resolve(settings.get("NEWSARCHIVE_HOME"), settings.get("NEWSARCHIVE_DB"))


@dataclass
class RunReport:
    # Every capture, for callers that report per URL (capture); crawls and
    # revisits keep only the counts, so their memory does not grow with the pass.
    results: list[CaptureResult] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    stats: dict[str, Any] = field(default_factory=dict)
    spider: Any = None

    def count(self, outcome: str) -> int:
        return self.outcomes[outcome]


def run_spider(
    spider_cls: type,
    settings: Settings,
    *,
    on_result: Callable[[CaptureResult], None] | None = None,
    keep_results: bool = True,
    **spider_kwargs: Any,
) -> RunReport:
    """Run one spider to completion in this process (once per process).

    `on_result` sees each capture as it is recorded (progress displays);
    `keep_results=False` counts outcomes without keeping every result.
    """
    report = RunReport()
    stopping.install()  # idempotent: the CLI installs it first thing, other callers get it here
    if stopping.requested() is not None:
        # Stopped before the spider started: nothing was fetched, the run was interrupted.
        report.stats = {"finish_reason": "shutdown"}
        return report
    # Scrapy's logging config puts its own logger at DEBUG while the CLI owns
    # the root handler (stderr): make that config honour LOG_LEVEL. One crawl
    # per process, so changing Scrapy's module-level default here is contained.
    level = logging.getLevelName(settings.get("LOG_LEVEL"))
    DEFAULT_LOGGING["loggers"]["scrapy"]["level"] = level  # type: ignore[index]  # a plain dict config
    process = CrawlerProcess(settings)
    if isinstance(level, int) and level >= logging.ERROR:
        # Network failures are reported per URL as results; Scrapy's own
        # error lines (with tracebacks) for them would only repeat that.
        for name in _PER_URL_REPORTED:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    crawler = process.create_crawler(spider_cls)

    def collect(result: CaptureResult) -> None:
        report.outcomes[result.outcome] += 1
        if keep_results:
            report.results.append(result)
        if on_result is not None:
            on_result(result)

    crawler.signals.connect(collect, signal=capture_recorded)
    try:
        process.crawl(crawler, **spider_kwargs)
        stopping.attach(crawler)  # after crawl(): that is where Scrapy installs its reactor
        # Our handlers stay: Scrapy's would only be installed once the reactor runs.
        process.start(install_signal_handlers=False)
    finally:
        stopping.detach()
    report.stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    report.spider = crawler.spider
    return report
