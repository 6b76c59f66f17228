"""Downloader middlewares: thin Scrapy adapters over plain classes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.responses import FETCHED_AT_KEY, WARC_KEY, decoded_headers
from storage.config import ArchiveConfig
from storage.warc import HttpExchange, WarcStore


class WarcRecorderMiddleware:
    """Writes every HTTP exchange to the archive's WARC files, raw.

    Placed next to the downloader, it sees each response before decompression
    and redirect handling, so the record holds the bytes as served, and every
    hop of a redirect chain gets a record of its own.
    """

    def __init__(self, store: WarcStore) -> None:
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        config = ArchiveConfig.resolve(settings.get("NEWSARCHIVE_HOME"), settings.get("NEWSARCHIVE_DB"))
        middleware = cls(WarcStore(config.warc_dir))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        self.store.close()

    def process_request(self, request: Request) -> None:
        request.meta[FETCHED_AT_KEY] = datetime.now(UTC)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
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
        request.meta[WARC_KEY] = self.store.write(exchange)
        return response
