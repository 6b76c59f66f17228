"""The extraction runner: when it uses a worker pool, and that the pool's answers are the extractor's."""

from __future__ import annotations

import asyncio
import gc
import os
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from scrapy.signalmanager import SignalManager

from newsarchive.crawler.crawl.pipeline.archive_pipeline import ArchivePipeline, _expected_pages
from newsarchive.crawler.crawl.pipeline.extraction import ExtractionRunner, extract_fields
from newsarchive.crawler.crawl.runner import build_settings
from newsarchive.storage.config import ArchiveConfig

HTML = (
    b"<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1>"
    + b"<p>The harbour reopened on Monday after two weeks of repairs to the old sea wall.</p>" * 5
    + b"</article></body></html>"
)
AT = datetime(2026, 3, 1, tzinfo=UTC)


def test_a_few_known_pages_are_extracted_in_process_a_crawl_in_a_pool() -> None:
    cores = os.cpu_count() or 1
    assert ExtractionRunner(None, in_process_max=8).plan(3) == 0
    assert ExtractionRunner(None, in_process_max=8).plan(9) == cores
    assert ExtractionRunner(None).plan(None) == cores  # a crawl: the page count is unknown
    assert ExtractionRunner(0).plan(10_000) == 0  # an explicit setting wins
    assert ExtractionRunner(3).plan(1) == 3


def test_the_spiders_page_count_decides() -> None:
    class Capture:
        urls = ["a", "b"]

    class Revisit:
        due = [object()] * 20

    assert _expected_pages(Capture()) == 2
    assert _expected_pages(Revisit()) == 20
    assert _expected_pages(object()) is None


def test_the_pool_gives_what_the_extractor_gives() -> None:
    runner = ExtractionRunner(1)
    runner.plan(None)
    runner.start()
    try:
        pooled = asyncio.run(runner.extract(HTML, "http://127.0.0.1/harbour.html", AT))
    finally:
        runner.close()
    assert pooled == extract_fields(HTML, "http://127.0.0.1/harbour.html", AT)
    assert "sea wall" in pooled.text


def test_pool_workers_start_with_their_imports_frozen() -> None:
    # Frozen at start-up, the collector's passes skip the modules' objects
    # (docs/performance.md); a worker without it would report 0.
    runner = ExtractionRunner(1)
    runner.plan(None)
    runner.start()
    try:
        assert runner._pool is not None
        frozen = runner._pool.submit(gc.get_freeze_count).result(timeout=120)
    finally:
        runner.close()
    assert frozen > 10_000


def test_a_worker_trims_its_heap_every_few_pages_even_after_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import newsarchive.crawler.crawl.pipeline.extraction as extraction
    import newsarchive.crawler.crawl.pipeline.heap as heap

    trims: list[int] = []
    monkeypatch.setattr(heap, "_malloc_trim", trims.append)
    monkeypatch.setattr(extraction, "_pages_since_trim", 0)
    for _ in range(extraction.TRIM_EVERY - 1):
        assert extraction.extract_in_worker(HTML, "http://127.0.0.1/a", AT).title == "Harbour reopens"
    assert trims == []

    def broken(*args: object) -> object:
        raise RuntimeError("lxml fell over")

    monkeypatch.setattr(extraction, "extract_fields", broken)
    with pytest.raises(RuntimeError):
        extraction.extract_in_worker(HTML, "http://127.0.0.1/b", AT)
    assert trims == [0]  # the page that failed still counted
    heap.trim_heap()  # and a direct call reaches malloc_trim(0) too
    assert trims == [0, 0]


def test_the_pool_starts_with_the_first_page_to_extract_not_with_the_crawl(
    archive_config: ArchiveConfig,
) -> None:
    # A revisit answered with 304s or a recrawl finding nothing new extracts
    # nothing: opening the pipeline must not spawn the workers.
    settings = build_settings(archive_config, {"NEWSARCHIVE_EXTRACT_WORKERS": 1})
    crawler = SimpleNamespace(
        settings=settings, spider=object(), engine=None, stats=None, signals=SignalManager()
    )
    pipeline = ArchivePipeline.from_crawler(crawler)  # type: ignore[arg-type]
    pipeline.open_spider()
    try:
        assert pipeline.extraction.workers == 1
        assert pipeline.extraction._pool is None
        fields = asyncio.run(pipeline.extraction.extract(HTML, "http://127.0.0.1/harbour.html", AT))
        assert fields.title == "Harbour reopens"
        assert pipeline.extraction._pool is not None  # started on demand, then used
    finally:
        pipeline.close_spider()
        pipeline.archive.close()
    assert pipeline.extraction._pool is None


def test_the_pipeline_finds_the_warc_recorder_through_scrapys_public_accessor() -> None:
    # The engine exposes no downloader internals here: only Crawler.get_downloader_middleware
    # (Scrapy 2.12+) can find the recorder whose sync must run before each commit.
    from newsarchive.crawler.crawl.downloader.middlewares import WarcRecorderMiddleware
    from newsarchive.crawler.crawl.pipeline.archive_pipeline import _warc_sync

    recorder = SimpleNamespace(store=SimpleNamespace(sync=lambda: None))
    asked: list[type] = []

    def get_downloader_middleware(cls: type) -> object:
        asked.append(cls)
        return recorder

    crawler = SimpleNamespace(engine=object(), get_downloader_middleware=get_downloader_middleware)
    assert _warc_sync(crawler) is recorder.store.sync  # type: ignore[arg-type]
    assert asked == [WarcRecorderMiddleware]
    none_found = SimpleNamespace(engine=object(), get_downloader_middleware=lambda cls: None)
    assert _warc_sync(none_found) is None  # type: ignore[arg-type]
