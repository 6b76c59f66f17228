"""Downloader middlewares: thin Scrapy adapters over plain classes."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.disk_full import stop_for_disk_full, unwritable
from newsarchive.crawler.crawl.downloader.deadline import seconds_left
from newsarchive.crawler.crawl.responses import FETCHED_AT_KEY, WARC_KEY, decoded_headers
from newsarchive.crawler.crawl.runner import archive_config
from newsarchive.storage.warc.store import HttpExchange, WarcStore

log = logging.getLogger(__name__)


class WarcRecorderMiddleware:
    """Writes every HTTP exchange to the archive's WARC files, raw.

    Placed next to the downloader, it sees each response before decompression
    and redirect handling, so the record holds the bytes as served, and every
    hop of a redirect chain gets a record of its own.
    """

    def __init__(self, store: WarcStore, crawler: Crawler | None = None) -> None:
        self.store = store
        self.crawler = crawler
        # One thread writes (gzips) the records, in order: zlib releases the
        # GIL, so the reactor keeps fetching and feeding extraction meanwhile.
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="warc-write")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        config = archive_config(settings)
        # "batch": the archive pipeline syncs the WARC file before each database
        # commit (crawler/crawl/pipeline/archive_writer.py) instead of once per record.
        sync_each = settings.get("NEWSARCHIVE_WARC_SYNC", defaults.NEWSARCHIVE_WARC_SYNC) != "batch"
        lean = settings.getbool("NEWSARCHIVE_WARC_REVISITS", defaults.NEWSARCHIVE_WARC_REVISITS)
        middleware = cls(WarcStore(config.warc_dir, sync_each=sync_each, lean=lean), crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        self._writer.shutdown(wait=True)
        try:
            self.store.close()
        except OSError as exc:
            if unwritable(exc) is None:
                raise
            # The records already committed were synced before their commits;
            # the torn tail is what `newsarchive warc check --repair` is for.
            log.warning("the last WARC file could not be closed: %s", unwritable(exc))

    def process_request(self, request: Request) -> None:
        request.meta[FETCHED_AT_KEY] = datetime.now(UTC)
        return None

    async def process_response(self, request: Request, response: Response) -> Response:
        fetched_at = request.meta.get(FETCHED_AT_KEY) or datetime.now(UTC)
        request_headers = [("Host", urlsplit(request.url).netloc)]
        for name, values in request.headers.items():
            request_headers.extend((name.decode("latin-1"), v.decode("latin-1")) for v in values)
        exchange = HttpExchange(
            url=request.url,
            method=request.method,
            request_headers=request_headers,
            request_body=request.body or b"",
            status=response.status,
            response_headers=decoded_headers(response),
            body=response.body,
            fetched_at=fetched_at,
            ip_address=str(response.ip_address) if response.ip_address else None,
        )
        try:
            request.meta[WARC_KEY] = await asyncio.wrap_future(
                self._writer.submit(self.store.write, exchange)
            )
        except OSError as exc:
            reason = unwritable(exc)
            if reason is None or self.crawler is None:
                raise
            stop_for_disk_full(self.crawler, reason)
            raise IgnoreRequest(f"not recorded: {reason.replace('_', ' ')}") from None
        return response


def retry_wait(retry_after: str | None, attempt: int, base: float, cap: float) -> float:
    """Seconds to wait before retrying a 429/503: Retry-After if the server gave one, else backoff.

    Retry-After is either delta-seconds or an HTTP date. Either way the wait is
    capped, so a server asking for a day cannot stall a crawl.
    """
    wait: float | None = None
    if retry_after:
        value = retry_after.strip()
        if value.isdigit():
            wait = float(value)
        else:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                when = None
            if when is not None:
                when = when if when.tzinfo else when.replace(tzinfo=UTC)
                wait = (when - datetime.now(UTC)).total_seconds()
    if wait is None:
        wait = base * 2 ** max(0, attempt - 1)
    return max(0.0, min(wait, cap))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, plus a wait before retrying 429 and 503 answers.

    Scrapy retries at once and ignores Retry-After. Here the retry request is
    returned only after an asyncio sleep (the reactor keeps serving other
    requests meanwhile), honouring Retry-After up to NEWSARCHIVE_RETRY_MAX_WAIT
    and otherwise backing off exponentially from NEWSARCHIVE_RETRY_BACKOFF.
    """

    BACKOFF_STATUSES = (429, 503)

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("NEWSARCHIVE_RETRY_MAX_WAIT", defaults.NEWSARCHIVE_RETRY_MAX_WAIT)
        self.backoff = settings.getfloat("NEWSARCHIVE_RETRY_BACKOFF", defaults.NEWSARCHIVE_RETRY_BACKOFF)

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if response.status in self.BACKOFF_STATUSES:
            header = response.headers.get("Retry-After")
            attempt = int(retry.meta.get("retry_times", 1))
            wait = retry_wait(
                header.decode("latin-1") if header else None, attempt, self.backoff, self.max_wait
            )
            left = seconds_left(request)  # an on-demand capture's time limit caps the wait
            if left is not None:
                wait = min(wait, left)
            if wait > 0:
                await asyncio.sleep(wait)
        return retry


# Scrapy reads a meta refresh from the first 4096 characters of the page; no
# encoding takes more than 4 bytes a character, so these bytes hold them all.
_REFRESH_HEAD_BYTES = 4 * 4096


def cannot_refresh(body: bytes) -> bool:
    """True when the page's head cannot hold a meta refresh: no "refresh" in it at all.

    Only for ASCII-compatible text (no NUL bytes in the head): UTF-16 and
    UTF-32 spell "refresh" with NULs between the letters, so those pages
    take Scrapy's own path.
    """
    head = body[:_REFRESH_HEAD_BYTES]
    return b"\x00" not in head and b"refresh" not in head.lower()


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, without decoding every page to find none.

    Scrapy decodes the whole body (``response.text``, detecting the encoding
    and keeping the decoded copy on the response) to look at its first 4096
    characters. Almost no article page has a meta refresh, and a page whose
    first bytes never say "refresh" cannot have one there: those pages are
    passed through untouched; the rest go to Scrapy's middleware as before.
    """

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if isinstance(response, HtmlResponse) and cannot_refresh(response.body):
            return response
        return super().process_response(request, response)
