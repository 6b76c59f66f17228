"""Refuse requests to private addresses during HTTP-triggered captures.

The API checks the URL it is given, but the site may answer with a redirect
to http://169.254.169.254/ or to a name that resolves to 127.0.0.1. Scrapy's
RedirectMiddleware turns a redirect into a new request that is scheduled
again and passes through every downloader middleware's process_request, so
checking here checks every hop. robots.txt requests are downloaded through
the same middleware chain, so they are checked as well.

Switched on by NEWSARCHIVE_DENY_PRIVATE (the API sets it for each capture
subprocess unless the server runs with --allow-private, together with
newsarchive.crawler.crawl.downloader.netguard_resolver, which re-checks the address actually connected to).
"""

from __future__ import annotations

import socket
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from newsarchive.crawler.crawl.downloader.netguard import (
    Resolver,
    TargetRefused,
    TargetUnresolvable,
    check_host,
)


class DenyPrivateAddressesMiddleware:
    def __init__(self, resolver: Resolver = socket.getaddrinfo) -> None:
        self.resolver = resolver

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSARCHIVE_DENY_PRIVATE"):
            raise NotConfigured("NEWSARCHIVE_DENY_PRIVATE is off")
        return cls()

    def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        try:
            port = parts.port
        except ValueError:
            port = None
        try:
            check_host(host, port, resolver=self.resolver)
        except TargetRefused as exc:
            raise IgnoreRequest(str(exc)) from None
        except TargetUnresolvable:
            # Not ours to report: the download fails with Scrapy's own DNS error.
            return None
        return None
