"""Revisits: fetch archived articles that are due again, conditionally where we can.

An ETag or Last-Modified kept from the last capture goes back as
If-None-Match / If-Modified-Since; a 304 reaches the pipeline (which records
"not modified" without extracting). A 404/410 or a redirect to the home page
becomes a "gone" event in the article's history; nothing is deleted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from newsarchive.crawler.crawl.items import FailureItem, FetchContext, PageItem
from newsarchive.crawler.crawl.responses import CONTEXT_KEY, failure_item, page_item
from newsarchive.storage.crawl_state.revisit_due import DueArticle


def conditional_headers(due: DueArticle) -> dict[str, str]:
    headers = {}
    if due.etag:
        headers["If-None-Match"] = due.etag
    if due.last_modified:
        headers["If-Modified-Since"] = due.last_modified
    return headers


def revisit_request(
    due: DueArticle, callback: Any, errback: Any, meta: dict[str, Any] | None = None
) -> scrapy.Request:
    """The conditional fetch of one due article (a local revisit's and a Redis worker's alike)."""
    context = FetchContext(requested_url=due.url, via="revisit", source=due.source)
    return scrapy.Request(
        due.url,
        callback=callback,
        errback=errback,
        headers=conditional_headers(due),
        # A revisit is deliberate, and a 304 must reach the pipeline.
        dont_filter=True,
        meta={**(meta or {}), CONTEXT_KEY: context, "handle_httpstatus_list": [304]},
    )


class RevisitSpider(scrapy.Spider):
    name = "revisit"

    def __init__(self, due: Sequence[DueArticle] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.due = list(due)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for due in self.due:
            yield revisit_request(due, self.parse, self.on_error)

    def parse(self, response: Response) -> Iterator[PageItem]:
        yield page_item(response)

    def on_error(self, failure: Failure) -> Iterator[FailureItem]:
        yield failure_item(failure)
