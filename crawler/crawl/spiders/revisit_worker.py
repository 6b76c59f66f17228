"""A distributed revisit worker: due articles come leased from the Redis revisit queue.

The coordinator (`newsarchive revisit --redis`, whichever process takes the
lock) queues the due articles (newsarchive.crawler.crawl.distributed.revisit_queue).
This spider pops one only when the engine has room for it and this worker
holds fewer leases than it may fetch at once, so a worker never sits on
articles others could be fetching. Each fetch is the same conditional
request as a local revisit's and goes through the same pipeline; its lease
is acknowledged when the capture is recorded.

The pass ends when nothing has been queued or leased anywhere (by any
worker) for MAX_IDLE_TIME_BEFORE_CLOSE seconds; meanwhile the worker renews
its leases and puts dead workers' expired leases back in the queue.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from twisted.internet import task
from twisted.python.failure import Failure

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.distributed.revisit_queue import Leased, RevisitQueue, Wait
from newsarchive.crawler.crawl.items import FailureItem, PageItem
from newsarchive.crawler.crawl.responses import failure_item, page_item
from newsarchive.crawler.crawl.signals import capture_recorded
from newsarchive.crawler.crawl.spiders.revisit import revisit_request
from newsarchive.storage.write.service import CaptureResult

LEASE_META = "newsarchive_revisit_lease"
# How long the start loop sleeps when it may not pop (engine full, or no domain's turn yet).
POLL_SECONDS = 0.2


class RevisitWorkerSpider(scrapy.Spider):
    name = "revisit_worker"

    def __init__(self, queue: RevisitQueue | None = None, idle_seconds: float = 30, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.revisits = queue
        self.idle_seconds = float(idle_seconds)
        self.held: dict[str, int] = {}  # lease token -> article id, until its capture is recorded
        self._by_url: dict[str, list[str]] = {}  # requested URL -> tokens in flight for it
        self.max_held = defaults.CONCURRENT_REQUESTS
        self.released = 0  # leases given up because their request vanished unrecorded
        self._renewal: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_held = crawler.settings.getint("CONCURRENT_REQUESTS", defaults.CONCURRENT_REQUESTS)
        crawler.signals.connect(spider._recorded, signal=capture_recorded)
        crawler.signals.connect(spider._dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    @property
    def queue(self) -> RevisitQueue:
        assert self.revisits is not None, "a revisit worker needs its RevisitQueue"
        return self.revisits

    # -- leases ------------------------------------------------------------------

    def _opened(self) -> None:
        # A few times per lease period: renew what this worker holds, and put
        # dead workers' expired leases back for whoever is free.
        self._renewal = task.LoopingCall(self._maintain)
        self._renewal.start(max(0.5, self.queue.lease_seconds / 3), now=False)

    def _maintain(self) -> None:
        self.queue.renew(self.held)
        self.queue.requeue_expired()

    def _closed(self) -> None:
        if self._renewal is not None and self._renewal.running:
            self._renewal.stop()

    def _ack(self, token: str | None) -> None:
        if token is None or token not in self.held:
            return
        self.queue.ack([(token, self.held.pop(token))])

    def _recorded(self, result: CaptureResult) -> None:
        """The fetch is in the archive (a version, unchanged, 304, gone or failed): its lease ends."""
        tokens = self._by_url.get(result.url)
        if tokens:
            self._ack(tokens.pop(0))
            if not tokens:
                del self._by_url[result.url]

    def _dropped(self, request: scrapy.Request) -> None:
        lease = request.meta.get(LEASE_META)
        if lease:
            self._forget(lease[0], request.url)
            self._ack(lease[0])

    def _forget(self, token: str, url: str) -> None:
        tokens = self._by_url.get(url, [])
        if token in tokens:
            tokens.remove(token)

    def _engine_idle(self) -> bool:
        """Nothing of this worker's in the scheduler, the downloader or the pipeline."""
        engine = self.crawler.engine
        if engine is None or engine._slot is None:  # noqa: SLF001 (no public way to ask)
            return True
        scraper_idle = engine.scraper.slot is None or engine.scraper.slot.is_idle()
        return (
            scraper_idle
            and not engine.downloader.active
            and not engine._slot.scheduler.has_pending_requests()  # noqa: SLF001
        )

    def _release_lost(self) -> None:
        """Leases whose request left the engine without a recorded capture (a middleware dropped it).

        Only when this worker has nothing at all in flight: such a lease would
        otherwise be renewed for as long as the worker lives. Acknowledged,
        not put back: another worker would lose it the same way.
        """
        if self.held and self._engine_idle():
            self.released += len(self.held)
            self.logger.warning("%d revisit(s) left the engine unrecorded; their leases end", len(self.held))
            self.queue.ack(list(self.held.items()))
            self.held.clear()
            self._by_url.clear()

    # -- the start loop ------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        queue = self.queue
        idle_since: float | None = None
        while True:
            engine = self.crawler.engine
            if len(self.held) >= self.max_held or (engine is not None and engine.needs_backout()):
                await sleep(POLL_SECONDS)
                continue
            popped = queue.pop()
            if isinstance(popped, Leased):
                idle_since = None
                yield self._request(popped)
                continue
            if isinstance(popped, Wait):  # articles wait, but no domain's turn has come
                idle_since = None
                await sleep(min(max(popped.seconds, 0.01), 1.0))
                continue
            # Nothing waiting: done once no lease is out anywhere either (a dead
            # worker's come back here when they expire) for the idle time.
            self._release_lost()
            queue.requeue_expired()
            if queue.status().leased:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since >= self.idle_seconds:
                return
            await sleep(0.5)

    def _request(self, leased: Leased) -> scrapy.Request:
        self.held[leased.token] = leased.due.article_id
        self._by_url.setdefault(leased.due.url, []).append(leased.token)
        return revisit_request(
            leased.due, self.parse, self.on_error, {LEASE_META: (leased.token, leased.due.article_id)}
        )

    def parse(self, response: Response) -> Iterator[PageItem]:
        yield page_item(response)

    def on_error(self, failure: Failure) -> Iterator[FailureItem]:
        yield failure_item(failure)
