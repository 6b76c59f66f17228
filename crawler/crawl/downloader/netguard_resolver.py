"""A DNS resolver that refuses private answers: the check at the moment of connecting.

DenyPrivateAddressesMiddleware resolves a request's host before it is sent,
but the downloader resolves it again to connect. A hostile DNS server with
a zero TTL can answer a public address to the first lookup and 127.0.0.1 to
the second (DNS rebinding). Installed as Scrapy's DNS resolver for every
crawl and capture (settings.py), this resolver checks the very address the
connection will use, so the two lookups cannot disagree. Literal IP hosts
never reach a resolver; the middleware covers those.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Self
from urllib.parse import urlsplit
from urllib.request import getproxies

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.downloader.netguard import blocked_reason
from newsarchive.crawler.crawl.downloader.netguard_policy import DENY_PRIVATE, AddressPolicy

log = logging.getLogger(__name__)


class DenyPrivateResolver(CachingThreadedResolver):
    policy: AddressPolicy = DENY_PRIVATE

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> Self:
        resolver = super().from_crawler(crawler, reactor)
        policy = AddressPolicy.parse(
            crawler.settings.getlist(
                "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS", defaults.NEWSARCHIVE_ALLOW_PRIVATE_HOSTS
            )
        )
        if crawler.settings.getbool("HTTPPROXY_ENABLED"):
            # The operator's own proxy (http_proxy, https_proxy) is often on a
            # private address: connecting to it is not a crawl target's doing.
            # The middleware still checks each target's own host.
            proxies = {urlsplit(url).hostname for url in getproxies().values() if "://" in url}
            policy = replace(policy, hosts=policy.hosts | {h.lower() for h in proxies if h})
        resolver.policy = policy
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 (Twisted API)
        resolved = super().getHostByName(name, timeout)
        resolved.addCallback(self.refuse_private, name)
        return resolved

    def refuse_private(self, address: str, name: str) -> str:
        """The address, or DNSLookupError when `name` may not be connected to there."""
        reason = blocked_reason(ipaddress.ip_address(address), self.policy, name.rstrip(".").lower())
        if reason is not None:
            # Twisted reports any resolver error as "no results for hostname
            # lookup"; the log keeps the real reason.
            log.warning("refused: %s resolves to a private address (%s)", name, reason)
            raise DNSLookupError(f"refused: {name} resolves to a private address ({reason})")
        return address
