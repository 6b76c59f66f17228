"""A DNS resolver for tests: a fixed table of real-looking host names, all on loopback.

The crawl resolves host names through Scrapy's resolver setting; tests set it
to this class (`web.resolver_settings()`), never the shipped settings. Names
outside the table fail as an unknown host would, so a test can never reach
real DNS or the internet by a typo.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

from tests.site.hosts import ALL_HOSTS

LOOPBACK = "127.0.0.1"


@implementer(IResolverSimple)
class LoopbackResolver:
    """Every name in tests.site.hosts.ALL_HOSTS is 127.0.0.1; any other name does not exist."""

    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> LoopbackResolver:
        return cls(reactor)

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:  # noqa: N802 (Twisted API)
        if name.lower().rstrip(".") in ALL_HOSTS or name == LOOPBACK:
            return defer.succeed(LOOPBACK)
        return defer.fail(DNSLookupError(f"{name}: not in the test web's host table"))


def resolver_setting() -> str:
    """The setting that names Scrapy's DNS resolver (TWISTED_DNS_RESOLVER since Scrapy 2.19)."""
    from scrapy.settings import default_settings

    return "TWISTED_DNS_RESOLVER" if hasattr(default_settings, "TWISTED_DNS_RESOLVER") else "DNS_RESOLVER"


def resolver_args() -> list[str]:
    """`-s` arguments that make a `newsarchive` command resolve the test web's hosts."""
    return [
        "-s",
        f"{resolver_setting()}=tests.site.resolver.LoopbackResolver",
        "-s",
        "NEWSARCHIVE_ADDRESS_LOOKUP=tests.site.resolver.loopback_getaddrinfo",
    ]


def loopback_getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
    """socket.getaddrinfo over the same table, for the address guard's look-ups (never real DNS)."""
    if host.lower().rstrip(".") in ALL_HOSTS or host == LOOPBACK:
        return socket.getaddrinfo(LOOPBACK, port, *args, **kwargs)
    raise socket.gaierror(socket.EAI_NONAME, f"{host}: not in the test web's host table")
