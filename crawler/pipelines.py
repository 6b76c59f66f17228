"""The archive pipeline: a thin Scrapy adapter over the page rules and the archive service."""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler

from crawler.extraction import ExtractionRunner
from crawler.items import FailureItem, PageItem
from crawler.page_rules import fetch_record, html_problem, redirected_home
from crawler.signals import capture_recorded
from storage.archive import Archive
from storage.fetch import Fetch
from storage.service import CaptureResult, ExtractedContent

log = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(self, crawler: Crawler, archive: Archive, extraction: ExtractionRunner) -> None:
        self.crawler = crawler
        self.archive = archive
        self.extraction = extraction
        settings = crawler.settings
        self.html_types = tuple(settings.getlist("NEWSARCHIVE_HTML_TYPES"))
        self.crawl_run_id = settings.getint("NEWSARCHIVE_CRAWL_RUN_ID") or None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        archive = Archive.open(settings.get("NEWSARCHIVE_HOME"), settings.get("NEWSARCHIVE_DB"))
        workers = settings.get("NEWSARCHIVE_EXTRACT_WORKERS")
        extraction = ExtractionRunner(None if workers is None else int(workers))
        return cls(crawler, archive, extraction)

    def close_spider(self) -> None:
        self.extraction.close()
        self.archive.close()

    async def process_item(self, item: object) -> object:
        if isinstance(item, PageItem):
            result = await self._page(item)
        elif isinstance(item, FailureItem):
            result = self.archive.service.record_failure(fetch_record(item, self.crawl_run_id))
        else:
            return item
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(f"newsarchive/{result.outcome}")
        self.crawler.signals.send_catch_log(signal=capture_recorded, result=result)
        return result

    async def _page(self, item: PageItem) -> CaptureResult:
        service = self.archive.service
        fetch = fetch_record(item, self.crawl_run_id)
        if item.status == 304:
            article_id = service.article_id_for_url(item.context.requested_url)
            if article_id is not None:
                return service.record_not_modified(fetch, article_id)
            return service.record_failure(_failed(fetch, "304 Not Modified for a URL not in the archive"))
        problem = html_problem(item, self.html_types)
        if problem:
            return service.record_failure(_failed(fetch, problem))
        if redirected_home(item.context.requested_url, item.final_url):
            return service.record_redirected_home(fetch)
        assert fetch.body_sha256 is not None
        same = service.latest_body_match(item.final_url, fetch.body_sha256)
        if same is not None:
            return service.record_same_body(fetch, same)
        try:
            fields = await self.extraction.extract(item.body, item.final_url, item.fetched_at)
        except Exception as exc:  # an extractor bug must cost one page, not the crawl
            log.exception("extraction failed for %s", item.final_url)
            return service.record_failure(
                _failed(fetch, f"extraction failed: {type(exc).__name__}: {exc}"[:300])
            )
        if not (fields.get("text") or "").strip():
            return service.record_failure(_failed(fetch, "no article text found on the page"))
        content = ExtractedContent(fields, self.extraction.extractor, self.extraction.extractor_version)
        return service.record_capture(fetch, content)


def _failed(fetch: Fetch, reason: str) -> Fetch:
    fetch.error = reason
    return fetch
