"""Running the extractor from inside a crawl: in-process or in a process pool.

trafilatura is not thread-safe (it shares an lxml parser at module level)
and it is the crawl's bottleneck, so real crawls extract in worker
processes, one per core, while the reactor keeps fetching. A bound on
in-flight jobs keeps memory flat when fetching outruns extraction: a page
waiting for a slot keeps its response in Scrapy's scraper slot, and once
that slot holds SCRAPER_SLOT_MAX_ACTIVE_SIZE bytes the engine stops taking
new responses, so fetching slows to the speed of extraction.

A handful of captures is cheaper in the crawl process itself: starting a
worker (spawn, then importing trafilatura) costs about as much as a few
extractions. With NEWSARCHIVE_EXTRACT_WORKERS unset, `plan` decides by the
number of pages the spider says it will fetch.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.pipeline.heap import trim_heap
from newsarchive.crawler.crawl.pipeline.page_rules import header_decoded
from newsarchive.crawler.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, Article, extract_article
from newsarchive.storage.fetch import ExtractedArticle, ExtractedCaption

log = logging.getLogger(__name__)

# Jobs queued per worker: enough that a worker never waits for the reactor, no more.
JOBS_PER_WORKER = 2
# Worker processes hand freed heap back to the system every this many pages
# (newsarchive.crawler.crawl.pipeline.heap): an extraction worker otherwise settles at the footprint of
# the largest pages it saw, about 150 MB; trimmed, about 125 MB, for no
# measurable CPU (measured on the evaluation pages).
TRIM_EVERY = 8
_WARM_UP_HTML = b"<html><head><title>t</title></head><body><article><p>Warm up.</p></article></body></html>"


def archived_article(article: Article) -> ExtractedArticle:
    """The extractor's Article as the archive's record: the one place the two meet.

    Every field by name, so a field renamed on either side is a type error
    here, not a value silently lost (tests/crawl/test_extraction_runner.py
    checks the two field lists stay equal).
    """
    return ExtractedArticle(
        url=article.url,
        title=article.title,
        text=article.text,
        authors=list(article.authors),
        published=article.published,
        modified=article.modified,
        language=article.language,
        detected_language=article.detected_language,
        sitename=article.sitename,
        description=article.description,
        captions=[ExtractedCaption(c.caption, c.credit, c.src, c.alt) for c in article.captions],
        images=list(article.images),
        flags=list(article.flags),
        canonical_url=article.canonical_url,
        kind=article.kind,
    )


def extract_fields(
    body: bytes, url: str, fetched_at: datetime, content_type: str | None = None
) -> ExtractedArticle:
    """Top-level (picklable) so worker processes can run it; the typed record crosses the pool."""
    return archived_article(extract_article(header_decoded(body, content_type), url, fetched_at=fetched_at))


# trafilatura is not thread-safe: extractions in this process (a crawl with no
# workers on the reactor thread, an article brought to the current extractor
# on the archive's writer thread: crawler/crawl/pipeline/catch_up.py) take turns.
_IN_PROCESS = threading.Lock()


def extract_here(
    body: bytes, url: str, fetched_at: datetime, content_type: str | None = None
) -> ExtractedArticle:
    """extract_fields in this process, one extraction at a time."""
    with _IN_PROCESS:
        return extract_fields(body, url, fetched_at, content_type)


_pages_since_trim = 0


def extract_in_worker(
    body: bytes, url: str, fetched_at: datetime, content_type: str | None = None
) -> ExtractedArticle:
    """What a pool worker runs per page: extract_fields, then now and then trim_heap."""
    global _pages_since_trim
    try:
        return extract_fields(body, url, fetched_at, content_type)
    finally:
        _pages_since_trim += 1
        if _pages_since_trim >= TRIM_EVERY:
            _pages_since_trim = 0
            trim_heap()


def init_worker(parent: int) -> None:
    """Worker initializer: leave with the crawl process; exempt the imported modules from collections."""
    # A Ctrl-C on the terminal reaches the workers too; the crawl process
    # stops cleanly and shuts the pool down, so a worker must not die mid-page.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)
    freeze_imports()


def freeze_imports() -> None:
    """Move every object alive now (modules, the extractor's tables) out of the collector's reach.

    The extractor makes so many tracked objects (lxml element proxies) that
    the cyclic collector runs several times a page, and its older
    generations walk every object of the interpreter to find nothing.
    Frozen, they are skipped: 5-7% less CPU per page, measured on 360
    evaluation pages in one process. Pausing the collector during each
    extraction saves as much but lets a page's cyclic garbage pile up
    (peak RSS per worker 137 -> 227 MB); freezing does not.
    """
    gc.collect()
    gc.freeze()


def exit_with_parent(parent: int) -> None:
    """Leave when the crawl process is gone (part of the worker initializer).

    A crawl killed with SIGKILL (the OOM killer, a scheduler timeout) cannot
    shut its pool down, and the workers would wait for jobs forever.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def warm_up() -> int:
    """Run once in each new worker so imports and lxml set-up are not paid by the first pages."""
    extract_fields(_WARM_UP_HTML, "http://127.0.0.1/warm-up", datetime(2020, 1, 1, tzinfo=UTC))
    return os.getpid()


class ExtractionRunner:
    extractor = EXTRACTOR_NAME
    extractor_version = EXTRACTOR_VERSION

    def __init__(
        self, workers: int | None, in_process_max: int = defaults.NEWSARCHIVE_EXTRACT_IN_PROCESS_MAX
    ) -> None:
        """workers: 0 in-process, N a pool of N, None decided by `plan` (one per core by default)."""
        self.requested = workers
        self.in_process_max = in_process_max
        self.workers = (os.cpu_count() or 1) if workers is None else max(0, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None

    def plan(self, expected_pages: int | None) -> int:
        """Choose the pool size for a crawl of `expected_pages` (None: unknown, a real crawl)."""
        if self.requested is None:
            few = expected_pages is not None and expected_pages <= self.in_process_max
            self.workers = 0 if few else (os.cpu_count() or 1)
        return self.workers

    def start(self) -> None:
        """Start the workers now, warming each (the first extract() does it if nobody did)."""
        if self.workers == 0 or self._pool is not None:
            return
        # spawn, not fork: forking a process that runs a reactor and holds
        # database connections copies state the child must not touch.
        self._pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(os.getpid(),),
        )
        for _ in range(self.workers):
            self._pool.submit(warm_up)

    async def extract(
        self, body: bytes, url: str, fetched_at: datetime, content_type: str | None = None
    ) -> ExtractedArticle:
        """content_type: the response's header, whose charset outranks the page's own."""
        if self.workers == 0:
            return extract_here(body, url, fetched_at, content_type)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers * JOBS_PER_WORKER)
        async with self._slots:
            self.start()
            assert self._pool is not None
            try:
                return await asyncio.wrap_future(
                    self._pool.submit(extract_in_worker, body, url, fetched_at, content_type)
                )
            except BrokenProcessPool:
                # A worker died (out of memory, a crash in lxml): this page
                # fails, the next ones get a fresh pool.
                log.error("an extraction worker died; starting a new pool")
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
                raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
