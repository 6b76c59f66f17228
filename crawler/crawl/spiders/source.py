"""The source crawl: discover article URLs from feeds, sitemaps and section pages, then fetch them.

Discovery documents are parsed, never archived. Every article URL is put in
canonical form and deduplicated within the run before anything is queued;
URLs already archived are left to the revisit job. Queued URLs are written
to the frontier table first, so a killed crawl loses nothing: the next run
starts with what is still there. Article requests are then made from the
frontier a window at a time (newsarchive.crawler.crawl.frontier_feed), so the crawl's memory
does not grow with the number of URLs a pass discovers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import timedelta
from typing import Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.admission import Admission, entry_hints, source_headers
from newsarchive.crawler.crawl.crawl_archive import crawl_archive
from newsarchive.crawler.crawl.discovery import Discovered
from newsarchive.crawler.crawl.discovery.feeds import parse_feed
from newsarchive.crawler.crawl.discovery.links import article_links
from newsarchive.crawler.crawl.discovery.sitemap_budget import SitemapBudget, sitemap_budget
from newsarchive.crawler.crawl.discovery.sitemaps import SitemapError, parse_sitemap, robots_sitemaps
from newsarchive.crawler.crawl.disk_full import unwritable
from newsarchive.crawler.crawl.document_cache import DocumentCache
from newsarchive.crawler.crawl.frontier_feed import FrontierFeed
from newsarchive.crawler.crawl.items import FailureItem, FetchContext, PageItem
from newsarchive.crawler.crawl.pipeline.heap import trim_heap
from newsarchive.crawler.crawl.responses import (
    CONTEXT_KEY,
    failure_item,
    failure_reason,
    page_item,
)
from newsarchive.crawler.crawl.signals import capture_recorded
from newsarchive.crawler.crawl.sources import Source
from newsarchive.crawler.crawl.spiders.requisite_requests import requisite_requests
from newsarchive.storage.crawl_state.documents import DiscoveryDocuments
from newsarchive.storage.crawl_state.frontier import Frontier, Queued, Taken
from newsarchive.storage.models.capture import Outcome
from newsarchive.storage.write.service import CaptureResult

# Sitemap indexes may nest; real ones go one level deep, never three.
# Discovery documents go before articles, so the frontier fills early.
DISCOVERY_PRIORITY = 10
# Recorded URLs leave the frontier in batches (one small transaction each). Should
# the process die first, the next run finds them archived and drops them unfetched.
DONE_BATCH = 50


class SourceSpider(scrapy.Spider):
    name = "source"

    def __init__(self, sources: Sequence[Source] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources = list(sources)
        self.admission: Admission | None = None  # the rules for discovered URLs (set in from_crawler)
        self.by_name = {s.name: s for s in self.sources}
        self.counts: dict[str, Counter[str]] = {s.name: Counter() for s in self.sources}
        self.frontier: Frontier | None = None
        self.documents: DocumentCache | None = None
        self.feed: FrontierFeed | None = None
        self.window = defaults.NEWSARCHIVE_FRONTIER_WINDOW
        self.document_refresh = timedelta(seconds=defaults.NEWSARCHIVE_DOCUMENT_REFRESH)
        self._done: list[str] = []  # recorded fetches not yet cleared from the frontier
        self.sitemaps = SitemapBudget()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        archive = crawl_archive(crawler)
        spider.frontier = Frontier(archive.sessions)
        spider.documents = DocumentCache(DiscoveryDocuments(archive.sessions))
        # Article URLs out at once (scheduled, downloading, extracting, waiting for the database).
        spider.window = settings.getint("NEWSARCHIVE_FRONTIER_WINDOW", defaults.NEWSARCHIVE_FRONTIER_WINDOW)
        spider.admission = Admission(
            spider.frontier,
            timedelta(
                seconds=settings.getfloat("NEWSARCHIVE_ROBOTS_RECHECK", defaults.NEWSARCHIVE_ROBOTS_RECHECK)
            ),
        )
        spider.document_refresh = timedelta(
            seconds=settings.getfloat("NEWSARCHIVE_DOCUMENT_REFRESH", defaults.NEWSARCHIVE_DOCUMENT_REFRESH)
        )
        spider.sitemaps = sitemap_budget(settings)
        crawler.signals.connect(spider._recorded, signal=capture_recorded)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    def _closed(self) -> None:
        try:
            self._flush_done()
        except Exception as exc:
            if unwritable(exc) is None:
                raise
            # Those URLs stay queued and are fetched again next time: nothing lost.
            self.logger.warning(
                "the frontier could not mark %d fetched URLs done: %s", len(self._done), unwritable(exc)
            )
        # The archive is the crawl's, shared: crawl_archive closes it when the engine stops.

    # -- start: what the last run left, then the discovery documents ------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        assert self.frontier is not None
        # Rows an earlier run left (killed or stopped) are the first the feed hands out.
        self.feed = FrontierFeed(self.frontier, list(self.by_name), self.window)
        for request in self._next_articles():
            yield request
        if self.documents is not None:
            self.documents.load(self.by_name, self.document_refresh)
        for source in self.sources:
            for url in source.feeds:
                yield self._document(source, url, self.parse_feed, conditional=True)
            for url in source.sitemaps:
                yield self._document(source, url, self.parse_sitemap, conditional=True, depth=0)
            for url in source.pages:
                yield self._document(source, url, self.parse_page)
            if source.robots_sitemaps:
                for origin in sorted({_origin(u) for u in (*source.feeds, *source.sitemaps, *source.pages)}):
                    yield self._document(source, origin + "/robots.txt", self.parse_robots)

    def _document(
        self, source: Source, url: str, callback: Any, *, conditional: bool = False, **cb_kwargs: Any
    ) -> scrapy.Request:
        self.counts[source.name]["documents"] += 1
        headers, meta = source_headers(source), {"newsarchive_source": source.name}
        if conditional and self.documents is not None:  # feeds and sitemaps (document_cache.py)
            extra_headers, extra_meta = self.documents.request_options(source.name, url)
            headers, meta = {**headers, **extra_headers}, {**meta, **extra_meta}
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.document_failed,
            cb_kwargs={"source": source, **cb_kwargs},
            priority=DISCOVERY_PRIORITY,
            # A feed may be listed twice (two sources); each source reads it.
            dont_filter=True,
            meta=meta,
            headers=headers,
        )

    def document_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        name = request.meta["newsarchive_source"]
        reason, _, _ = failure_reason(failure)
        self.counts[name]["documents_failed"] += 1
        self.logger.warning("source %s: discovery document %s failed: %s", name, request.url, reason)

    # -- discovery callbacks ---------------------------------------------------

    def parse_feed(self, response: Response, source: Source) -> Iterator[scrapy.Request]:
        if response.status == 304:  # unchanged since its entries were queued: no parse
            self.counts[source.name]["documents_not_modified"] += 1
            return
        entries = parse_feed(response.body, response.url)
        if not entries:  # not a feed (an HTML error page, a moved URL) or an empty one
            self.counts[source.name]["documents_failed"] += 1
            self.logger.warning("source %s: no entries in feed %s", source.name, response.url)
        over_limit = self.counts[source.name]["over_limit"]
        yield from self._queue(source, entries)
        if self.documents is not None:
            complete = bool(entries) and self.counts[source.name]["over_limit"] == over_limit
            self.documents.read(source.name, response, complete=complete)

    def parse_sitemap(self, response: Response, source: Source, depth: int) -> Iterator[scrapy.Request]:
        if response.status == 304:  # unchanged: no parse, but an index's children may have changed
            self.counts[source.name]["documents_not_modified"] += 1
            if self.documents is not None:
                stored = self.documents.children(source.name, response)
                counts = self.counts[source.name]
                for child, level in self.sitemaps.follow(
                    source.name, response.url, source.hosts, depth, stored, counts
                ):
                    yield self._document(source, child, self.parse_sitemap, conditional=True, depth=level)
            return
        try:
            doc = parse_sitemap(response.body, response.url)
        except SitemapError as exc:
            self.counts[source.name]["documents_failed"] += 1
            self.logger.warning("source %s: sitemap %s: %s", source.name, response.url, exc)
            return
        if doc.truncated:
            self.logger.warning("source %s: sitemap %s truncated at the URL limit", source.name, response.url)
        counts = self.counts[source.name]
        over_limit = counts["over_limit"]
        for child, level in self.sitemaps.follow(
            source.name, response.url, source.hosts, depth, doc.sitemaps, counts
        ):
            yield self._document(source, child, self.parse_sitemap, conditional=True, depth=level)
        yield from self._queue(source, doc.urls)
        if self.documents is not None:
            complete = not doc.truncated and self.counts[source.name]["over_limit"] == over_limit
            self.documents.read(source.name, response, complete=complete, children=doc.sitemaps)

    def parse_robots(self, response: Response, source: Source) -> Iterator[scrapy.Request]:
        # robots.txt's sitemaps are found, not named: they count against the
        # budget like children (as the children of a level above the named ones).
        found = robots_sitemaps(response.text, response.url)
        counts = self.counts[source.name]
        for url, depth in self.sitemaps.follow(source.name, response.url, source.hosts, -1, found, counts):
            yield self._document(source, url, self.parse_sitemap, depth=depth)

    def parse_page(self, response: Response, source: Source) -> Iterator[scrapy.Request]:
        links = article_links(response.body, response.url)
        entries = [Discovered(url, via="page") for url in links]
        yield from self._queue(source, entries, found_on=response.url)

    # -- queueing articles -------------------------------------------------------

    def _queue(
        self, source: Source, entries: Sequence[Discovered], found_on: str | None = None
    ) -> Iterator[scrapy.Request]:
        assert self.frontier is not None and self.admission is not None
        counts = self.counts[source.name]
        admitted = self.admission.admit(source, entries, counts, found_on)
        # Already in the frontier (left by an earlier run, or queued by another
        # source this run): the feed hands that row out, counted where it belongs.
        queued = self.frontier.queue([Queued(url, source.name, e.via, entry_hints(e)) for url, e in admitted])
        counts["queued"] += len(queued)
        yield from self._next_articles()

    def _next_articles(self) -> Iterator[scrapy.Request]:
        """Requests for the frontier's next rows, if fewer than half a window are out."""
        assert self.feed is not None
        for row in self.feed.next():
            yield self._article_request(row)

    def _article_request(self, row: Taken) -> scrapy.Request:
        source = self.by_name[row.source]
        if self.feed is not None and self.feed.resumed(row):
            self.counts[source.name]["resumed"] += 1
        context = FetchContext(requested_url=row.url, via="crawl", source=source.name)
        return scrapy.Request(
            row.url,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={CONTEXT_KEY: context, "newsarchive_hints": row.hints or {}},
            headers=source_headers(source),
        )

    def parse_article(self, response: Response) -> Iterator[PageItem | scrapy.Request]:
        item = page_item(response)
        item.hints = dict(response.meta.get("newsarchive_hints") or {})
        yield item
        source = self.by_name.get(item.context.source or "")
        if source is not None and source.requisites:
            yield from self._requisites(response, source)

    def parse_requisite(self, response: Response) -> Iterator[PageItem | scrapy.Request]:
        item = page_item(response)
        yield item
        source = self.by_name.get(item.context.source or "")
        if source is not None:
            yield from self._requisites(response, source)  # a stylesheet's images and imports

    def _requisites(self, response: Response, source: Source) -> Iterator[scrapy.Request]:
        for request in requisite_requests(response, callback=self.parse_requisite, source=source.name):
            request.headers.update(source_headers(source))
            yield request

    def article_failed(self, failure: Failure) -> Iterator[FailureItem]:
        yield failure_item(failure)

    # -- bookkeeping ---------------------------------------------------------------

    def _recorded(self, result: CaptureResult) -> None:
        """A fetch is in the archive: it leaves the frontier, counts for its source, frees a place."""
        if result.outcome == Outcome.REQUISITE:
            return  # an article's image or stylesheet: no frontier row, no place in the window
        self._done.append(result.url)
        if len(self._done) >= DONE_BATCH:
            self._flush_done()
            # The crawl process sees every body (download, WARC, digests) on
            # several threads, each with its own glibc arena: without this it
            # keeps the high-water mark of those bursts (newsarchive.crawler.crawl.pipeline.heap).
            trim_heap()
        name = self.feed.recorded(result.url) if self.feed is not None else None
        if name is None:
            return
        self.counts[name][result.outcome] += 1
        engine = self.crawler.engine
        if engine is not None:
            for request in self._next_articles():
                engine.crawl(request)

    def _dropped(self, request: scrapy.Request) -> None:
        """The scheduler refused an article request: a redirect to a URL this run already fetched.

        No capture will come for the URL asked for, and its target is archived,
        so the row leaves the frontier (later runs would only redirect again)
        and its place in the window goes to the next URL.
        """
        context = request.meta.get(CONTEXT_KEY)
        if self.feed is None or not isinstance(context, FetchContext):
            return
        if self.feed.recorded(context.requested_url) is None:
            return
        self._done.append(context.requested_url)
        engine = self.crawler.engine
        if engine is not None:
            for follow in self._next_articles():
                engine.crawl(follow)

    def _idle(self) -> None:
        """Nothing scheduled or in flight: hand out the next rows, if any, rather than close.

        The normal path refills as captures are recorded; this catches the rest
        (requests dropped without a capture, rows queued while nothing was out).
        """
        if self.feed is None or self.crawler.engine is None:
            return
        lost = self.feed.forget_all()
        if lost:
            self.logger.debug("%d handed-out URLs ended without a capture", lost)
        requests = [self._article_request(row) for row in self.feed.next(force=True)]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def _flush_done(self) -> None:
        if self._done and self.frontier is not None:
            self.frontier.done(self._done)
            self._done = []


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
