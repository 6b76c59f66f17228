"""Site families: which hosts belong to one publisher's site.

A publisher's site spans hosts: www.example.com, example.com,
feeds.example.com. The registrable domain (the part a registrant owns, one
label under a public suffix such as "com" or "co.uk") names that family.
The Public Suffix List comes from tldextract's bundled snapshot; the
extractor below is built with no list URLs and no cache, so it never goes
to the network at run time (a crawl must not depend on publicsuffix.org).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# suffix_list_urls=(): no download; cache_dir=None: no cache file written or
# read; private domains on, so two blogs on one hosting service are two sites.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """The registrable domain of a host ("www.bbc.co.uk" -> "bbc.co.uk"); an IP address is itself."""
    host = host.lower().rstrip(".")
    if not host:
        return ""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    parts = _EXTRACT(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    # A name under no listed suffix (".test", ".internal", "localhost"): the
    # PSL's default rule "*" makes its last label the public suffix.
    labels = host.split(".")
    return ".".join(labels[-2:])


def url_host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def host_matches(host: str, names: Iterable[str]) -> bool:
    """The host is one of the names or below one ("example.com" covers "www.example.com")."""
    return any(host == n or host.endswith("." + n) for n in names)


def same_family(url: str, page_url: str, extra_hosts: Iterable[str] = ()) -> bool:
    """A link on page_url stays in the page's site: same registrable domain, or a host named in extra_hosts."""
    host = url_host(url)
    if not host:
        return False
    return registrable_domain(host) == registrable_domain(url_host(page_url)) or host_matches(
        host, extra_hosts
    )
