"""Refuse requests to private addresses on every request of every crawl and capture.

A feed entry, a sitemap or a page may point at (or redirect to)
http://169.254.169.254/ or a name that resolves to 127.0.0.1. Scrapy's
RedirectMiddleware and our meta-refresh middleware turn a redirect into a new
request that is scheduled again and passes through every downloader
middleware's process_request, so checking here checks every hop. robots.txt
requests are downloaded through the same middleware chain, so they are
checked as well.

Always on. NEWSARCHIVE_ALLOW_PRIVATE_HOSTS names the private hosts and
networks a crawl may reach (an intranet source, the test site); metadata
and link-local addresses are refused whatever it says. The DNS resolver
(newsarchive.crawler.crawl.downloader.netguard_resolver) re-checks the
address actually connected to.
"""

from __future__ import annotations

import socket
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import load_object
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.downloader.netguard import (
    Resolver,
    TargetRefused,
    TargetUnresolvable,
    check_host,
    literal_ip,
)
from newsarchive.crawler.crawl.downloader.netguard_policy import DENY_PRIVATE, AddressPolicy

# Hosts whose verdict is remembered: a crawl reaches a few hundred hosts at most.
_CACHE_LIMIT = 4096


class DenyPrivateAddressesMiddleware:
    def __init__(self, policy: AddressPolicy = DENY_PRIVATE, resolver: Resolver = socket.getaddrinfo) -> None:
        self.policy = policy
        self.resolver = resolver
        # (host, port) -> the refusal message, or None when allowed. One lookup
        # per host per process: the resolver re-checks every connection anyway.
        self._verdicts: dict[tuple[str, int | None], str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        # A bad value stops the crawl (ValueError) rather than switching the guard off.
        lookup = crawler.settings.get("NEWSARCHIVE_ADDRESS_LOOKUP", defaults.NEWSARCHIVE_ADDRESS_LOOKUP)
        resolver: Resolver = load_object(lookup) if lookup else socket.getaddrinfo
        allowed = crawler.settings.getlist(
            "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS", defaults.NEWSARCHIVE_ALLOW_PRIVATE_HOSTS
        )
        return cls(AddressPolicy.parse(allowed), resolver)

    def process_request(self, request: Request) -> Deferred[None] | None:
        """None to go on; IgnoreRequest (raised, or through the Deferred) to refuse."""
        host, port = _host_port(request.url)
        key = (host, port)
        if key in self._verdicts or literal_ip(host) is not None or not host:
            return self._apply(self.verdict(host, port))
        # A DNS lookup blocks: do it on the reactor's thread pool, not in the event loop.
        looked_up: Deferred[str | None] = deferToThread(self.verdict, host, port)
        return looked_up.addCallback(self._apply)

    def verdict(self, host: str, port: int | None) -> str | None:
        """Why a request to host:port is refused (None: it is not), remembered per host."""
        key = (host, port)
        if key in self._verdicts:
            return self._verdicts[key]
        try:
            check_host(host, port, policy=self.policy, resolver=self.resolver)
            reason = None
        except TargetRefused as exc:
            reason = str(exc)
        except TargetUnresolvable:
            # Not ours to report: the download fails with Scrapy's own DNS error.
            reason = None
        if len(self._verdicts) >= _CACHE_LIMIT:
            self._verdicts.clear()
        self._verdicts[key] = reason
        return reason

    @staticmethod
    def _apply(reason: str | None) -> None:
        if reason is not None:
            raise IgnoreRequest(reason)


def _host_port(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port
