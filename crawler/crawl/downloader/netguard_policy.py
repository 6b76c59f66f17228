"""Which private targets a fetch may reach anyway: NEWSARCHIVE_ALLOW_PRIVATE_HOSTS.

By default every fetch (crawl, revisit, capture, distributed worker) refuses
private, loopback and other non-public addresses. An intranet source or a
test site on 127.0.0.1 is allowed by naming it:

    127.0.0.1, 10.20.0.0/16, fd12::/48   addresses or networks: any host resolving into them
    intranet.example                     a host name: whatever private address it resolves to
    *                                    every private address (the API's --allow-private)

Cloud metadata and link-local addresses stay refused whatever is named here
(netguard.blocked_reason checks them before asking the policy).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SETTING = "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS"
# A host name as it appears in a URL (letters, digits, hyphens, underscores, dots).
_HOST_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")


@dataclass(frozen=True)
class AddressPolicy:
    allow_all: bool = False
    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: str | Iterable[str] | None) -> AddressPolicy:
        """A policy from a comma- or space-separated string or a list; ValueError names a bad entry."""
        if entries is None:
            return cls()
        if isinstance(entries, str):
            entries = [entries]
        words = [w for entry in entries for w in re.split(r"[\s,]+", str(entry)) if w]
        allow_all = False
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for word in words:
            if word == "*":
                allow_all = True
                continue
            try:
                networks.append(ipaddress.ip_network(word.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            name = word.rstrip(".").lower()
            if not _HOST_NAME.match(name):
                raise ValueError(
                    f"{SETTING}: {word!r} is neither a host name, an address nor a network (like 10.0.0.0/8)"
                )
            hosts.add(name)
        return cls(allow_all, frozenset(hosts), tuple(networks))

    @property
    def refuses_everything_private(self) -> bool:
        return not (self.allow_all or self.hosts or self.networks)

    def allows(self, ip: IPAddress, name: str | None = None) -> bool:
        """Whether a private/loopback `ip` (reached through host `name`) was named as allowed."""
        if self.allow_all:
            return True
        if name is not None and name.rstrip(".").lower() in self.hosts:
            return True
        mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
        return any(
            candidate in network for network in self.networks for candidate in (ip, mapped) if candidate
        )

    def describe(self) -> str:
        """The policy as the setting would spell it (for logs and the scheduler's children)."""
        if self.allow_all:
            return "*"
        return ",".join(sorted(self.hosts) + [str(n) for n in self.networks])


DENY_PRIVATE = AddressPolicy()
ALLOW_PRIVATE = AddressPolicy(allow_all=True)
