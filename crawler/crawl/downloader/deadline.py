"""A time limit per on-demand request: `capture --timeout`, robots.txt, retries and redirects included.

Scrapy's limits are per attempt (DOWNLOAD_TIMEOUT 30 s, three retries), and
robots.txt is one more request before the page: a silent host held a capture
for minutes. Someone capturing a URL wants an answer within a minute, so each
request gets a deadline when it first enters the downloader; every attempt
(robots.txt, retries, redirect hops) may only use what is left of it, and one
that starts after the deadline fails at once, recorded with the reason.

On with NEWSARCHIVE_FETCH_DEADLINE (seconds; the capture command sets it).
Two middlewares: DeadlineStampMiddleware, ahead of robots.txt, starts the
clock (the robots.txt request a page waits for inherits the page's deadline);
FetchDeadlineMiddleware, after it, gives each attempt what is left, so the
wait for robots.txt counts.
"""

from __future__ import annotations

import time
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.responses import DEADLINE_KEY

# Below this many seconds left, a new attempt cannot succeed: fail it now.
MIN_ATTEMPT = 0.5


def _limit(crawler: Crawler) -> float:
    limit = crawler.settings.getfloat("NEWSARCHIVE_FETCH_DEADLINE", defaults.NEWSARCHIVE_FETCH_DEADLINE)
    if limit <= 0:
        raise NotConfigured("NEWSARCHIVE_FETCH_DEADLINE is off")
    return limit


class DeadlineStampMiddleware:
    """Starts a request's clock the first time it enters the downloader."""

    def __init__(self, limit: float) -> None:
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(_limit(crawler))

    def process_request(self, request: Request) -> None:
        # Retries and redirect hops copy the meta, so they keep the first deadline.
        request.meta.setdefault(DEADLINE_KEY, time.time() + self.limit)
        return None


class FetchDeadlineMiddleware:
    """Gives each attempt what is left of its request's deadline; fails it once none is left."""

    def __init__(self, limit: float, per_attempt: float) -> None:
        self.limit = limit
        self.per_attempt = per_attempt

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(_limit(crawler), crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 180.0))

    def process_request(self, request: Request) -> None:
        deadline = request.meta.setdefault(DEADLINE_KEY, time.time() + self.limit)
        left = deadline - time.time()
        if left < MIN_ATTEMPT:
            raise IgnoreRequest(f"timed out: no answer within {self.limit:g} s (capture --timeout)")
        request.meta["download_timeout"] = min(left, self.per_attempt)
        return None


def seconds_left(request: Request) -> float | None:
    """What is left of this request's deadline (None: it has none)."""
    deadline = request.meta.get(DEADLINE_KEY)
    return None if deadline is None else max(0.0, deadline - time.time())
