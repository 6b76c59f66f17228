"""Scrapy extensions: thin adapters over storage's crawl-run bookkeeping."""

from __future__ import annotations

import logging
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet import task, threads

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.crawl_archive import crawl_archive
from newsarchive.storage.crawl_state.crawl_runs import heartbeat

log = logging.getLogger(__name__)


class RunHeartbeat:
    """Touches the crawl run's heartbeat every NEWSARCHIVE_HEARTBEAT seconds while the crawl lives.

    Other processes tell a live run from a dead one by it: a crawl on
    another host cannot be checked by its process id (newsarchive.storage.crawl_state.crawl_runs).
    Off when the crawl has no run row (NEWSARCHIVE_CRAWL_RUN_ID unset) or
    the interval is 0.
    """

    def __init__(self, sessions: sessionmaker[Session], run_id: int, interval: float) -> None:
        self.run_id = run_id
        self.interval = interval
        self.sessions = sessions  # the crawl's shared archive (crawl_archive)
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        run_id = settings.getint("NEWSARCHIVE_CRAWL_RUN_ID") or None
        interval = settings.getfloat("NEWSARCHIVE_HEARTBEAT", defaults.NEWSARCHIVE_HEARTBEAT)
        if run_id is None or interval <= 0:
            raise NotConfigured
        extension = cls(crawl_archive(crawler).sessions, run_id, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.loop = task.LoopingCall(self._beat)
        self.loop.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def _beat(self) -> object:
        # On a thread: the write may wait for SQLite's lock, the reactor must not.
        beat = threads.deferToThread(heartbeat, self.sessions, self.run_id)
        beat.addErrback(lambda failure: log.warning("crawl-run heartbeat failed: %s", failure.value))
        return beat
