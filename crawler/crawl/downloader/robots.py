"""robots.txt for every request: one fetch per host, and every request to it waits for the answer.

Replaces Scrapy's RobotsTxtMiddleware (settings.py switches Scrapy's off).
Scrapy 2.14 and later hand the parsed robots.txt to the first request that
waited for it and None to every other waiter, which Scrapy reads as "allowed":
three or more requests to a new host starting together fetched pages the site
forbids. Here each waiter gets a Deferred of its own, fired with the same
answer, so nothing depends on how a Scrapy release chains its callbacks.

The answer follows RFC 9309: a 2xx body is parsed; a 4xx means no rules
(allow all); a 5xx means the site is in trouble, so everything on the host is
refused, with a reason of its own (not the "forbidden" of a real rule, which
the source spider remembers for a week), and robots.txt is asked again after
NEWSARCHIVE_ROBOTS_RETRY seconds. A robots.txt that cannot be downloaded at all
(DNS, refused, timeout) allows, as Scrapy does: the page's own fetch then fails
with the network's reason, which says more than "robots.txt unreachable".

Each request governed by a fetched robots.txt carries that response's WARC
record in its meta (ROBOTS_KEY), so the capture row can say which robots.txt
allowed or refused it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.responses import (
    DEADLINE_KEY,
    FETCHED_AT_KEY,
    ROBOTS_KEY,
    ROBOTS_UNAVAILABLE,
    WARC_KEY,
)

log = logging.getLogger(__name__)

# Scrapy's own value: robots.txt goes ahead of every queued page.
ROBOTS_PRIORITY = 1000


@dataclass(frozen=True)
class HostRules:
    """What one host's robots.txt says, as far as this crawl knows."""

    parser: Any = None  # a scrapy.robotstxt.RobotParser; None: no rules, everything allowed
    refusal: str | None = None  # everything refused, with this reason (5xx)
    provenance: dict[str, Any] | None = None  # the robots.txt response's WARC record
    expires: float | None = None  # time.monotonic() after which robots.txt is asked again

    def expired(self) -> bool:
        return self.expires is not None and time.monotonic() >= self.expires


class RobotsTxtMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("ROBOTSTXT_OBEY is off")
        self.crawler = crawler
        self.user_agent: str = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or ""
        self.retry_after = settings.getfloat("NEWSARCHIVE_ROBOTS_RETRY", defaults.NEWSARCHIVE_ROBOTS_RETRY)
        self._parser_class = load_object(settings.get("ROBOTSTXT_PARSER"))
        self._rules: dict[str, HostRules] = {}
        # Hosts whose robots.txt is being fetched: the requests waiting for it.
        self._waiting: dict[str, list[Deferred[HostRules]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt") or urlparse_cached(request).scheme not in (
            "http",
            "https",
        ):
            return None
        rules = await self.rules_for(request)
        # A redirect hop to another host carries the first host's: replace or drop it.
        if rules.provenance is not None:
            request.meta[ROBOTS_KEY] = rules.provenance
        else:
            request.meta.pop(ROBOTS_KEY, None)
        if rules.refusal is not None:
            self._stat("robotstxt/unavailable")
            raise IgnoreRequest(rules.refusal)
        if rules.parser is not None and not rules.parser.allowed(request.url, self._agent(request)):
            self._stat("robotstxt/forbidden")
            raise IgnoreRequest("Forbidden by robots.txt")
        return None

    def _agent(self, request: Request) -> str:
        header = request.headers.get(b"User-Agent")
        if self.crawler.settings.get("ROBOTSTXT_USER_AGENT") or not header:
            return self.user_agent
        return header.decode("latin-1")

    async def rules_for(self, request: Request) -> HostRules:
        """This request's host's rules: fetched once, awaited by every request that comes meanwhile."""
        netloc = urlparse_cached(request).netloc
        known = self._rules.get(netloc)
        if known is not None and not known.expired():
            return known
        waiters = self._waiting.get(netloc)
        if waiters is not None:
            mine: Deferred[HostRules] = Deferred()
            waiters.append(mine)
            return await maybe_deferred_to_future(mine)
        self._waiting[netloc] = []
        try:
            rules = await self._fetch(request, netloc)
        except BaseException as exc:  # cancelled (shutdown): release the waiters, then pass it on
            for waiter in self._waiting.pop(netloc):
                waiter.errback(exc)
            raise
        self._rules[netloc] = rules
        for waiter in self._waiting.pop(netloc):
            waiter.callback(rules)
        return rules

    async def _fetch(self, request: Request, netloc: str) -> HostRules:
        parts = urlparse_cached(request)
        meta: dict[str, Any] = {"dont_obey_robotstxt": True}
        if DEADLINE_KEY in request.meta:  # an on-demand capture's time limit covers robots.txt too
            meta[DEADLINE_KEY] = request.meta[DEADLINE_KEY]
        robots = Request(
            f"{parts.scheme}://{netloc}/robots.txt",
            priority=ROBOTS_PRIORITY,
            meta=meta,
            callback=NO_CALLBACK,
            dont_filter=True,
        )
        self._stat("robotstxt/request_count")
        try:
            response = await self._download(robots)
        except Exception as exc:
            if not isinstance(exc, IgnoreRequest):
                log.info("robots.txt of %s not downloaded (%s): allowing", netloc, exc)
                self._stat(f"robotstxt/exception_count/{type(exc).__name__}")
            return HostRules()
        self._stat(f"robotstxt/response_status_count/{response.status}")
        provenance = _provenance(response, robots)
        if response.status >= 500:
            reason = f"{ROBOTS_UNAVAILABLE} (HTTP {response.status}): assuming complete disallow (RFC 9309)"
            return HostRules(
                refusal=reason, provenance=provenance, expires=time.monotonic() + self.retry_after
            )
        if not 200 <= response.status < 300:
            return HostRules(provenance=provenance)  # 4xx (or a redirect loop): no rules
        parser = build_from_crawler(self._parser_class, self.crawler, response.body)
        self.crawler.signals.send_catch_log(signal=signals.robots_parsed, robotparser=parser, request=request)
        return HostRules(parser=parser, provenance=provenance)

    async def _download(self, robots: Request) -> Response:
        engine = self.crawler.engine
        assert engine is not None
        if hasattr(engine, "download_async"):  # Scrapy 2.14 and later
            return await engine.download_async(robots)
        return await maybe_deferred_to_future(engine.download(robots))

    def _stat(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


def _provenance(response: Response, robots: Request) -> dict[str, Any] | None:
    """Where the robots.txt response is kept: its URL, status and WARC record."""
    try:
        meta = response.meta  # the last hop's request, after redirects
    except AttributeError:
        meta = robots.meta
    warc = meta.get(WARC_KEY) or robots.meta.get(WARC_KEY)
    if warc is None:
        return None
    fetched_at = meta.get(FETCHED_AT_KEY)
    return {
        "url": response.url,
        "status": response.status,
        "warc_file": warc.file,
        "warc_offset": warc.offset,
        "warc_length": warc.length,
        "fetched_at": fetched_at.isoformat() if fetched_at is not None else None,
    }
