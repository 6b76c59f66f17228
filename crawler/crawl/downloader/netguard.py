"""Where a fetch may go: refuse private, loopback, link-local and metadata addresses.

A crawler whose pages are public, or a capture endpoint that fetches any URL
for anyone, is a server-side request forgery tool: it would read the cloud
metadata service, the admin panel on localhost or a printer on the LAN and
publish what it got. So every address a host name resolves to is checked
(one bad answer is enough to refuse: the fetcher may pick any of them), and
literal addresses in every spelling the resolver accepts too (`2130706433`,
`0x7f.1` and `0177.0.0.1` all mean 127.0.0.1 to glibc).

Private and loopback targets can be allowed by name or network (an
AddressPolicy, from NEWSARCHIVE_ALLOW_PRIVATE_HOSTS); metadata and
link-local addresses never are.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from newsarchive.crawler.crawl.downloader.netguard_policy import DENY_PRIVATE, AddressPolicy

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# getaddrinfo's signature; tests pass a fake to avoid real DNS.
Resolver = Callable[..., Iterable[tuple[Any, ...]]]

# Credential services of cloud providers. Refused whatever the policy allows:
# allowing an intranet news site never means wanting the instance's keys.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task credentials
        "169.254.169.253",  # AWS DNS resolver
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
    )
)
METADATA_NAMES = frozenset(
    {"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"}
)

# NAT64 well-known prefix: 64:ff9b::7f00:1 reaches 127.0.0.1 through a NAT64 gateway.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Numeric host spellings inet_aton accepts: decimal, octal, hex, 1 to 4 parts.
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$", re.IGNORECASE)


class TargetRefused(ValueError):
    """The URL points at an address a capture must not reach; the message says why."""


class TargetUnresolvable(ValueError):
    """The host name has no address (or the URL has no host)."""


def literal_ip(host: str) -> IPAddress | None:
    """The address a host string spells, if it is a literal (any legacy IPv4 form included)."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        pass
    if _LEGACY_IPV4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def blocked_reason(
    ip: IPAddress, policy: AddressPolicy = DENY_PRIVATE, name: str | None = None
) -> str | None:
    """Why a fetch may not connect to `ip` (which `name` resolved to), or None when it may."""
    embedded = _embedded_ipv4(ip)
    for candidate in [ip, *embedded]:
        if candidate in METADATA_ADDRESSES:
            return f"{candidate} is a cloud metadata address"
    # Link-local is where metadata services live under other addresses (and
    # what a host's neighbours answer on): never allowed, whatever the policy.
    for candidate in [ip, *embedded]:
        if candidate.is_link_local:
            return f"{candidate} is a link-local address"
    if policy.allows(ip, name):
        return None
    # An IPv4-mapped address is its IPv4 address (::ffff:0:0/96 itself counts as reserved).
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    for candidate in [mapped] if mapped is not None else [*embedded, ip]:
        for label, hit in (
            ("loopback", candidate.is_loopback),
            ("multicast", candidate.is_multicast),
            ("unspecified", candidate.is_unspecified),
            ("reserved", candidate.is_reserved),
            ("private", candidate.is_private),
            # Shared (CGNAT), documentation and benchmark ranges are not private
            # but not reachable on the internet either.
            ("non-public", not candidate.is_global),
        ):
            if hit:
                return f"{candidate} is a {label} address"
    return None


def resolve(host: str, port: int | None = None, resolver: Resolver = socket.getaddrinfo) -> list[IPAddress]:
    """Every address `host` stands for (the literal itself, or all DNS answers)."""
    literal = literal_ip(host)
    if literal is not None:
        return [literal]
    try:
        answers = resolver(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise TargetUnresolvable(f"cannot resolve {host}: {exc}") from None
    addresses: list[IPAddress] = []
    for *_, sockaddr in answers:
        ip = literal_ip(str(sockaddr[0]))
        if ip is not None and ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise TargetUnresolvable(f"cannot resolve {host}: no address")
    return addresses


def check_host(
    host: str,
    port: int | None = None,
    *,
    policy: AddressPolicy = DENY_PRIVATE,
    resolver: Resolver = socket.getaddrinfo,
) -> list[IPAddress]:
    """The host's addresses, or TargetRefused when any of them is off limits."""
    name = host.strip("[]").rstrip(".").lower()
    if not name:
        raise TargetUnresolvable("the URL has no host")
    if name in METADATA_NAMES:
        raise TargetRefused(f"refused: {name} is a cloud metadata service")
    if policy.refuses_everything_private and (name == "localhost" or name.endswith(".localhost")):
        raise TargetRefused(f"refused: {name} is a loopback name")
    addresses = resolve(name, port, resolver)
    literal = literal_ip(name) is not None
    for ip in addresses:
        reason = blocked_reason(ip, policy, None if literal else name)
        if reason is not None:
            if not literal:
                raise TargetRefused(f"refused: {name} resolves to a private address ({reason})")
            raise TargetRefused(f"refused: {name} ({reason})" if name != str(ip) else f"refused: {reason}")
    return addresses


def check_url(
    url: str, *, policy: AddressPolicy = DENY_PRIVATE, resolver: Resolver = socket.getaddrinfo
) -> list[IPAddress]:
    """check_host for an http(s) URL's host and port."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise TargetRefused(
            f"refused: only http and https URLs can be captured, not {parts.scheme or 'none'!r}"
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise TargetUnresolvable(f"bad port in {url}: {exc}") from None
    return check_host(parts.hostname or "", port, policy=policy, resolver=resolver)
