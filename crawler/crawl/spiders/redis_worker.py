"""A distributed crawl worker: discovery documents and article URLs come from a shared Redis frontier.

`newsarchive enqueue` (or the scheduler in Redis mode) pushes each source's
feeds, sitemaps and section pages as scrapy-redis JSON start requests. Any
worker takes them, parses them, and queues the article URLs in the shared
request queue, where scrapy-redis's shared duplicate filter lets each URL
in once per pass. Which URLs are admitted is decided by the same rules as
`crawl` (newsarchive.crawler.crawl.admission): site, allow/deny, listing
pages, max_age, archived, robots recheck and max_urls (counted per worker).
Every request is popped as a lease (newsarchive.crawler.crawl.distributed.redis_queue) and acknowledged
once its fetch is recorded in the archive or its links are queued; so is
every start message, until its document's request is in the shared queue.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import timedelta
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_redis.spiders import RedisSpider
from twisted.internet import task
from twisted.python.failure import Failure

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.admission import (
    Admission,
    entry_hints,
    source_headers,
)
from newsarchive.crawler.crawl.crawl_archive import crawl_archive
from newsarchive.crawler.crawl.discovery import Discovered
from newsarchive.crawler.crawl.discovery.feeds import parse_feed
from newsarchive.crawler.crawl.discovery.links import article_links
from newsarchive.crawler.crawl.discovery.sitemap_budget import SitemapBudget, sitemap_budget
from newsarchive.crawler.crawl.discovery.sitemaps import SitemapError, parse_sitemap, robots_sitemaps
from newsarchive.crawler.crawl.distributed.redis_queue import (
    DOCUMENT_LEASE_KEY,
    LEASE_KEY,
    LeasedPriorityQueue,
)
from newsarchive.crawler.crawl.items import FailureItem, FetchContext, PageItem
from newsarchive.crawler.crawl.responses import CONTEXT_KEY, failure_item, page_item
from newsarchive.crawler.crawl.signals import capture_recorded
from newsarchive.crawler.crawl.sources import Source
from newsarchive.storage.crawl_state.frontier import Frontier
from newsarchive.storage.write.service import CaptureResult

SOURCE_KEY = "newsarchive_source"
KIND_KEY = "newsarchive_kind"
DEPTH_KEY = "newsarchive_depth"
KINDS = ("feed", "sitemap", "page", "robots")
DISCOVERY_PRIORITY = 10


def start_request_json(url: str, source: str, kind: str) -> str:
    """A discovery document in scrapy-redis's JSON start-request form (plain URLs are deprecated)."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    return json.dumps({"url": url, "meta": {SOURCE_KEY: source, KIND_KEY: kind}})


class RedisWorkerSpider(RedisSpider):
    name = "redis_worker"

    def __init__(self, sources: Sequence[Source] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources = {s.name: s for s in sources}
        self.counts: dict[str, Counter[str]] = {}
        self._tokens: dict[str, str] = {}  # requested URL -> lease, until its capture is recorded
        self._url_source: dict[str, str] = {}
        self._renewal: task.LoopingCall | None = None
        # Per worker: each worker of a distributed crawl has its own count (depth travels in the request).
        self.sitemaps = SitemapBudget()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.frontier = Frontier(crawl_archive(crawler).sessions)
        spider.admission = Admission(
            spider.frontier,
            timedelta(
                seconds=settings.getfloat("NEWSARCHIVE_ROBOTS_RECHECK", defaults.NEWSARCHIVE_ROBOTS_RECHECK)
            ),
        )
        spider.lease_seconds = settings.getint("NEWSARCHIVE_REDIS_LEASE")
        spider.sitemaps = sitemap_budget(settings)
        crawler.signals.connect(spider._recorded, signal=capture_recorded)
        crawler.signals.connect(spider._dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    # -- leases ------------------------------------------------------------------

    @property
    def queue(self) -> LeasedPriorityQueue:
        queue = getattr(self, "lease_queue", None)  # set by the queue when the scheduler opens
        assert isinstance(queue, LeasedPriorityQueue), "SCHEDULER_QUEUE_CLASS must be LeasedPriorityQueue"
        return queue

    def _opened(self) -> None:
        # Renew what this worker holds and return dead workers' leases, a few
        # times per lease period.
        self._renewal = task.LoopingCall(self._maintain_leases)
        self._renewal.start(max(1.0, self.lease_seconds / 3), now=False)

    def _maintain_leases(self) -> None:
        self.queue.renew_held()
        self.queue.requeue_expired()

    def _closed(self) -> None:
        if self._renewal is not None and self._renewal.running:
            self._renewal.stop()

    def _ack(self, token: str | None) -> None:
        self.queue.ack(token)

    def _dropped(self, request: scrapy.Request) -> None:
        """A follow-up refused by the duplicate filter: the original's work is done."""
        self._ack(request.meta.get(LEASE_KEY))
        self.queue.ack_document(request.meta.get(DOCUMENT_LEASE_KEY))

    def spider_idle(self) -> None:
        """Close only when the whole frontier is empty: no start data, no queue, no leases anywhere."""
        queue = self.queue
        lost = queue.release_documents()
        if lost:
            self.logger.warning("%d discovery document(s) were dropped before reaching the queue", lost)
        queue.requeue_expired()
        if queue.work_pending():
            self.spider_idle_start_time = int(time.time())
        super().spider_idle()

    # -- start requests from Redis ---------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.next_requests():
            yield request

    def next_requests(self) -> Iterator[scrapy.Request]:
        """Up to a batch of discovery documents, each popped from the start list as a lease.

        Replaces scrapy-redis's, which pops the whole batch at once and
        forgets it: a worker killed before the engine took every request of
        the batch lost the rest. Here each message is popped only when the
        engine asks for the next request, and stays leased until push() has
        put its request in the shared queue.
        """
        queue = self.queue
        for _ in range(self.redis_batch_size):
            popped = queue.pop_document()
            if popped is None:
                return
            token, data = popped
            request = self.make_request_from_data(data)
            if not isinstance(request, scrapy.Request):
                queue.ack_document(token)  # not a document: nothing to come back for
                continue
            request.meta[DOCUMENT_LEASE_KEY] = token
            yield request

    def make_request_from_data(self, data: bytes) -> scrapy.Request | list[scrapy.Request]:
        try:
            message = json.loads(data)
            url, meta = message["url"], message.get("meta") or {}
            kind = meta.get(KIND_KEY, "feed")
            source = meta.get(SOURCE_KEY) or ""
        except (ValueError, KeyError, TypeError):
            self.logger.warning("ignoring a start request that is not newsarchive JSON: %r", data[:200])
            return []
        return self._document(url, source, kind, 0)

    def _document(self, url: str, source: str, kind: str, depth: int) -> scrapy.Request:
        self._count(source, "documents")
        return scrapy.Request(
            url,
            callback=self.parse_document,
            errback=self.document_failed,
            priority=DISCOVERY_PRIORITY,
            dont_filter=True,  # a document is read again every pass
            meta={SOURCE_KEY: source, KIND_KEY: kind, DEPTH_KEY: depth},
        )

    # -- discovery ---------------------------------------------------------------------

    def parse_document(self, response: Response) -> Iterator[scrapy.Request]:
        meta = response.meta
        name, kind, depth = meta[SOURCE_KEY], meta[KIND_KEY], meta.get(DEPTH_KEY, 0)
        # A start request for a source this worker's file does not have: the
        # document's own URL stands in, under the same rules.
        source = self.sources.get(name) or Source(name=name, feeds=(response.url,))
        if kind == "feed":
            yield from self._queue(source, parse_feed(response.body, response.url))
        elif kind == "page":
            links = article_links(response.body, response.url)
            yield from self._queue(source, [Discovered(u, via="page") for u in links], response.url)
        elif kind == "robots":
            # Found, not named: counted against the budget like children (see SitemapBudget).
            found = robots_sitemaps(response.text, response.url)
            counts = self.counts.setdefault(name, Counter())
            for url, level in self.sitemaps.follow(
                source.name, response.url, source.hosts, -1, found, counts
            ):
                yield self._document(url, name, "sitemap", level)
        else:
            try:
                doc = parse_sitemap(response.body, response.url)
            except SitemapError as exc:
                self._count(name, "documents_failed")
                self.logger.warning("source %s: sitemap %s: %s", name, response.url, exc)
            else:
                counts = self.counts.setdefault(name, Counter())
                for child, level in self.sitemaps.follow(
                    source.name, response.url, source.hosts, depth, doc.sitemaps, counts
                ):
                    yield self._document(child, name, "sitemap", level)
                yield from self._queue(source, doc.urls)
        # Everything this document led to is in the shared queue now.
        self._ack(meta.get(LEASE_KEY))

    def document_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._count(request.meta.get(SOURCE_KEY, ""), "documents_failed")
        self.logger.warning("discovery document %s failed: %s", request.url, failure.value)
        self._ack(request.meta.get(LEASE_KEY))

    def _queue(
        self, source: Source, entries: Sequence[Discovered], found_on: str | None = None
    ) -> Iterator[scrapy.Request]:
        counts = self.counts.setdefault(source.name, Counter())
        for url, entry in self.admission.admit(source, entries, counts, found_on):
            counts["queued"] += 1
            context = FetchContext(requested_url=url, via="crawl", source=source.name or None)
            # Not dont_filter: the shared duplicate filter admits each URL once per pass.
            yield scrapy.Request(
                url,
                callback=self.parse_article,
                errback=self.article_failed,
                meta={CONTEXT_KEY: context, SOURCE_KEY: source.name, "newsarchive_hints": entry_hints(entry)},
                headers=source_headers(source),
            )

    # -- articles -----------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        item = page_item(response)
        item.hints = dict(response.meta.get("newsarchive_hints") or {})
        self._hold(item.context.requested_url, response.meta)
        yield item

    def article_failed(self, failure: Failure) -> Iterator[FailureItem]:
        item = failure_item(failure)
        self._hold(item.context.requested_url, failure.request.meta)  # type: ignore[attr-defined]
        yield item

    def _hold(self, url: str, meta: dict[str, Any]) -> None:
        token = meta.get(LEASE_KEY)
        if token:
            self._tokens[url] = token
        self._url_source[url] = meta.get(SOURCE_KEY, "")

    def _recorded(self, result: CaptureResult) -> None:
        """The fetch is in the archive: its lease ends."""
        self._ack(self._tokens.pop(result.url, None))
        name = self._url_source.pop(result.url, "")
        self._count(name, result.outcome)

    def _count(self, name: str, key: str, n: int = 1) -> None:
        self.counts.setdefault(name, Counter())[key] += n
