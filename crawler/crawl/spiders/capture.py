"""On-demand capture: fetch the given URLs once, exactly as given."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from newsarchive.crawler.crawl.items import FailureItem, FetchContext, PageItem
from newsarchive.crawler.crawl.responses import CONTEXT_KEY, failure_item, page_item
from newsarchive.crawler.crawl.spiders.requisite_requests import requisite_requests


class CaptureSpider(scrapy.Spider):
    name = "capture"

    def __init__(
        self,
        urls: Sequence[str] | str = (),
        ignore_robots: bool = False,
        requisites: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.urls = [urls] if isinstance(urls, str) else list(urls)
        self.ignore_robots = bool(ignore_robots)
        # Also fetch the pages' images and stylesheets, for replay (robots.txt obeyed for them always).
        self.requisites = bool(requisites)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            context = FetchContext(requested_url=url, via="capture", ignore_robots=self.ignore_robots)
            yield scrapy.Request(
                url,
                callback=self.parse,
                errback=self.on_error,
                # A capture is deliberate: fetch even if this URL was seen before.
                dont_filter=True,
                meta={CONTEXT_KEY: context, "dont_obey_robotstxt": self.ignore_robots},
            )

    def parse(self, response: Response) -> Iterator[PageItem | scrapy.Request]:
        yield page_item(response)
        if self.requisites:
            yield from requisite_requests(response, callback=self.parse)

    def on_error(self, failure: Failure) -> Iterator[FailureItem]:
        yield failure_item(failure)
