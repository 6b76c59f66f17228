"""Requests for a fetched page's requisites (images, stylesheets), for spiders that opt in.

A requisite is fetched like any page of the crawl (the same downloader
middlewares: robots.txt, the private-address guard, politeness delays, the
WARC recorder) and recorded as a capture of outcome "requisite": kept for
replay, never an article. Stylesheets' own images and imports are followed
one level further; the run's duplicate filter fetches a shared logo once.
A requisite that cannot be fetched is logged and left out, not recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from newsarchive.crawler.crawl.discovery.requisites import (
    DEFAULT_LIMIT,
    page_requisites,
    stylesheet_requisites,
)
from newsarchive.crawler.crawl.items import REQUISITE_VIA, FetchContext
from newsarchive.crawler.crawl.responses import CONTEXT_KEY

# How far from the page a requisite is: 1 named by the page, 2 by one of its stylesheets.
DEPTH_KEY = "newsarchive_requisite_depth"
_MAX_DEPTH = 2

log = logging.getLogger(__name__)


def _not_kept(failure: Failure) -> None:
    """A requisite that could not be fetched (a broken image, robots.txt, the address guard).

    Not recorded as a failed capture: a missing picture is no failure of the
    archive, and it must not count against the page or the crawl. The
    replay simply leaves it out, as it does everything it does not hold.
    """
    log.debug(
        "requisite not kept: %s: %s",
        failure.request.url if hasattr(failure, "request") else "?",
        failure.value,
    )


def _media_type(response: Response) -> str:
    value = response.headers.get(b"Content-Type") or b""
    return value.decode("latin-1").split(";", 1)[0].strip().lower()


def requisite_requests(
    response: Response,
    *,
    callback: Callable[[Response], Any],
    source: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Iterator[scrapy.Request]:
    """Requests for what `response` (a page or a stylesheet) needs to be replayed as it looked."""
    depth = int(response.meta.get(DEPTH_KEY, 0))
    kind = _media_type(response)
    if depth == 0 and kind in ("text/html", "application/xhtml+xml"):
        urls = page_requisites(response.body, response.url, limit)
    elif 0 < depth < _MAX_DEPTH and kind == "text/css":
        urls = stylesheet_requisites(response.body.decode("utf-8", "replace"), response.url)[:limit]
    else:
        return
    for url in urls:
        yield scrapy.Request(
            url,
            callback=callback,
            errback=_not_kept,
            meta={
                CONTEXT_KEY: FetchContext(requested_url=url, via=REQUISITE_VIA, source=source),
                DEPTH_KEY: depth + 1,
            },
        )
