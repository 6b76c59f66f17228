"""Raw Scrapy fetch of a URL list, nothing done with the bodies: the fetch ceiling.

    python bench/_fetch.py URLS_FILE [CONCURRENCY]

Prints one JSON object: pages fetched and seconds from the spider opening to
closing (interpreter and Scrapy start-up excluded, as for the other timings).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess


class FetchOnly(scrapy.Spider):
    name = "fetch_only"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.pages = 0
        self.began = 0.0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.began = time.perf_counter()
        for url in self.urls:
            yield scrapy.Request(url, dont_filter=True)

    def parse(self, response: scrapy.http.Response) -> None:
        self.pages += 1


def main() -> None:
    urls = Path(sys.argv[1]).read_text().split()
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    process = CrawlerProcess(
        {
            "LOG_LEVEL": "ERROR",
            "ROBOTSTXT_OBEY": False,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        }
    )
    crawler = process.create_crawler(FetchOnly)
    process.crawl(crawler, urls=urls)
    process.start()
    spider = crawler.spider
    print(json.dumps({"pages": spider.pages, "seconds": time.perf_counter() - spider.began}))


if __name__ == "__main__":
    main()
