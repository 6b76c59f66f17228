"""A DNS resolver that refuses private answers: the check at the moment of connecting.

DenyPrivateAddressesMiddleware resolves a request's host before it is sent,
but the downloader resolves it again to connect. A hostile DNS server with
a zero TTL can answer a public address to the first lookup and 127.0.0.1 to
the second (DNS rebinding). Installed as DNS_RESOLVER for HTTP-triggered
captures, this resolver checks the very address the connection will use,
so the two lookups cannot disagree. Literal IP hosts never reach a
resolver; the middleware covers those.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from newsarchive.crawler.crawl.downloader.netguard import blocked_reason

log = logging.getLogger(__name__)


class DenyPrivateResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 (Twisted API)
        resolved = super().getHostByName(name, timeout)
        resolved.addCallback(self._refuse_private, name)
        return resolved

    @staticmethod
    def _refuse_private(address: str, name: str) -> str:
        reason = blocked_reason(ipaddress.ip_address(address))
        if reason is not None:
            # Twisted reports any resolver error as "no results for hostname
            # lookup"; the log keeps the real reason.
            log.warning("refused: %s resolves to a private address (%s)", name, reason)
            raise DNSLookupError(f"refused: {name} resolves to a private address ({reason})")
        return address
