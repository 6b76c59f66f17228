"""The archive pipeline: a thin Scrapy adapter over the page rules and the archive service.

The reactor thread only routes: extraction runs in worker processes
(newsarchive.crawler.crawl.pipeline.extraction) and database work on the archive writer's threads
(newsarchive.crawler.crawl.pipeline.archive_writer), so fetching never waits for either except through
the bounded queues that keep memory flat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Self, TypeVar

from scrapy.crawler import Crawler
from sqlalchemy.exc import DBAPIError

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.crawl_archive import crawl_archive
from newsarchive.crawler.crawl.disk_full import stop_for_disk_full, unwritable
from newsarchive.crawler.crawl.items import REQUISITE_VIA, FailureItem, PageItem
from newsarchive.crawler.crawl.pipeline.archive_writer import ArchiveWriter
from newsarchive.crawler.crawl.pipeline.extraction import ExtractionRunner
from newsarchive.crawler.crawl.pipeline.page_rules import (
    fetch_record,
    html_problem,
    media_type,
    redirected_home,
    unusable_extraction,
)
from newsarchive.crawler.crawl.signals import capture_recorded
from newsarchive.storage.archive import Archive
from newsarchive.storage.crawl_state.revisit_schedule import RevisitStep
from newsarchive.storage.fetch import ExtractedContent, Fetch
from newsarchive.storage.models.capture import Outcome
from newsarchive.storage.write.record_batch import Write
from newsarchive.storage.write.results import CaptureResult
from newsarchive.storage.write.service import db_error_reason

log = logging.getLogger(__name__)
T = TypeVar("T")
# Scrapy's stat counting fetches the archive could not record at all.
UNRECORDED_STAT = "newsarchive/unrecorded"


class ArchivePipeline:
    def __init__(self, crawler: Crawler, archive: Archive, extraction: ExtractionRunner) -> None:
        self.crawler = crawler
        self.archive = archive
        self.extraction = extraction
        settings = crawler.settings
        self.html_types = tuple(settings.getlist("NEWSARCHIVE_HTML_TYPES"))
        self.crawl_run_id = settings.getint("NEWSARCHIVE_CRAWL_RUN_ID") or None
        self.max_batch = settings.getint("NEWSARCHIVE_DB_BATCH", defaults.NEWSARCHIVE_DB_BATCH)
        self.writer: ArchiveWriter | None = None
        archive.service.revisit_schedules = {
            source: [RevisitStep(timedelta(seconds=a), timedelta(seconds=b)) for a, b in steps]
            for source, steps in settings.getdict("NEWSARCHIVE_REVISIT_SCHEDULES").items()
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        archive = crawl_archive(crawler)
        workers = settings.get("NEWSARCHIVE_EXTRACT_WORKERS")
        extraction = ExtractionRunner(
            None if workers in (None, "", "None") else int(workers),
            settings.getint(
                "NEWSARCHIVE_EXTRACT_IN_PROCESS_MAX", defaults.NEWSARCHIVE_EXTRACT_IN_PROCESS_MAX
            ),
        )
        return cls(crawler, archive, extraction)

    def open_spider(self) -> None:
        # The pool itself starts with the first page that needs extracting: a
        # revisit answered with 304s, or a recrawl that finds nothing new,
        # never pays for spawning workers and importing trafilatura in them.
        workers = self.extraction.plan(_expected_pages(self.crawler.spider))
        self.writer = ArchiveWriter(self.archive.service, _warc_sync(self.crawler), self.max_batch)
        log.info("extracting in %s", f"{workers} worker processes" if workers else "the crawl process")

    def close_spider(self) -> None:
        if self.writer is not None:
            self.writer.close()
            stats = self.crawler.stats
            if stats is not None:
                stats.set_value("newsarchive/db_batches", self.writer.batches)
        self.extraction.close()
        # The archive is the crawl's, shared: crawl_archive closes it when the engine stops.

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        if self.writer is None:  # used without open_spider (a test calling process_item)
            return fn(*args)
        return await asyncio.wrap_future(self.writer.read(fn, *args))

    async def _write(self, write: Write) -> CaptureResult:
        if self.writer is None:
            result = self.archive.service.record_many([write])[0]
            if isinstance(result, Exception):
                raise result
            return result
        return await asyncio.wrap_future(self.writer.write(write))

    async def process_item(self, item: object) -> object:
        try:
            if isinstance(item, PageItem):
                result = await self._page(item)
            elif isinstance(item, FailureItem):
                result = await self._write(Write("failure", fetch_record(item, self.crawl_run_id)))
            else:
                return item
        except Exception as exc:
            reason = unwritable(exc)
            if reason is not None:
                # Not recorded, so its URL stays queued; the crawl stops with one line.
                stop_for_disk_full(self.crawler, reason)
                return item
            # Fetched, and neither recorded nor recorded as a failure (the
            # database kept refusing even that): counted, so the run cannot end
            # as if nothing was missing. The URL stays queued for the next crawl.
            stats = self.crawler.stats
            if stats is not None:
                stats.inc_value(UNRECORDED_STAT)
            if not isinstance(exc, DBAPIError):
                raise  # a bug of ours: Scrapy logs its traceback
            log.warning("%s: fetched but not recorded: %s", _url_of(item), db_error_reason(exc))
            return item
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(f"newsarchive/{result.outcome}")
        self.crawler.signals.send_catch_log(signal=capture_recorded, result=result)
        return result

    async def _page(self, item: PageItem) -> CaptureResult:
        service = self.archive.service
        fetch = fetch_record(item, self.crawl_run_id)
        if item.context.via == REQUISITE_VIA:
            # Kept in WARC for replay; never extracted, never an article.
            fetch.error = f"kept for replay ({media_type(item.content_type) or 'no type'})"
            fetch.error_outcome = Outcome.REQUISITE
            return await self._write(Write("failure", fetch))
        if item.status == 304:
            article_id = await self._read(service.article_id_for_url, item.context.requested_url)
            if article_id is not None:
                return await self._write(Write("not_modified", fetch, article_id=article_id))
            return await self._write(
                Write("failure", _failed(fetch, "304 Not Modified for a URL not in the archive"))
            )
        problem = html_problem(item, self.html_types)
        if problem:
            return await self._write(Write("failure", _failed(fetch, problem)))
        if redirected_home(item.context.requested_url, item.final_url):
            return await self._write(Write("redirected_home", fetch))
        assert fetch.body_sha256 is not None
        same = await self._read(service.latest_body_match, item.final_url, fetch.body_sha256)
        if same is not None:
            return await self._write(Write("same_body", fetch, article_id=same))
        try:
            article = await self.extraction.extract(
                item.body, item.final_url, item.fetched_at, item.content_type
            )
        except Exception as exc:  # an extractor bug must cost one page, not the crawl
            log.exception("extraction failed for %s", item.final_url)
            return await self._write(
                Write("failure", _failed(fetch, f"extraction failed: {type(exc).__name__}: {exc}"[:300]))
            )
        unusable = unusable_extraction(article)
        if unusable is not None:
            return await self._write(Write("failure", _failed(fetch, unusable)))
        content = ExtractedContent(article, self.extraction.extractor, self.extraction.extractor_version)
        return await self._write(Write("capture", fetch, content))


def _expected_pages(spider: object) -> int | None:
    """How many pages a spider will fetch, when it knows up front (captures, revisits)."""
    for name in ("urls", "due"):
        known = getattr(spider, name, None)
        if isinstance(known, list):
            return len(known)
    return None


def _warc_sync(crawler: Crawler) -> Callable[[], None] | None:
    """The WARC recorder's sync, to run before each database commit (see newsarchive.storage.warc.store sync_each)."""
    from newsarchive.crawler.crawl.downloader.middlewares import WarcRecorderMiddleware

    if crawler.engine is None:  # no crawl running (a test driving the pipeline by hand)
        return None
    recorder = crawler.get_downloader_middleware(WarcRecorderMiddleware)
    return recorder.store.sync if recorder is not None else None


def _url_of(item: object) -> str:
    context = getattr(item, "context", None)
    return str(getattr(context, "requested_url", "a page"))


def _failed(fetch: Fetch, reason: str) -> Fetch:
    fetch.error = reason
    return fetch
