"""What the web app is told at start: who may capture, and where to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebSettings:
    # Bearer token for POST /captures; None switches capture over HTTP off.
    capture_token: str | None = None
    # Let captures reach private/loopback addresses (a local test site, an
    # intranet). Cloud metadata and link-local addresses stay refused
    # regardless, on every redirect hop (the capture runs with
    # NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=*, and the guard never lets those through).
    allow_private: bool = False
    # Seconds one capture subprocess may run before it is killed.
    capture_timeout: float = 120.0
    # Captures running at once; more wait (each is a Scrapy process).
    max_parallel_captures: int = 2
    # Seconds a DNS lookup for the target may take before it counts as failed.
    resolve_timeout: float = 10.0
    # Largest request body accepted (bytes), counted while it arrives. The
    # biggest legitimate body is a capture form: a URL of at most 4,096 bytes.
    max_body_bytes: int = 16_384
    # Seconds one search may run before it is stopped as too broad.
    search_timeout: float = 5.0
    # Searches running at once; one more is answered 503 at once, so a burst
    # of broad searches cannot take every worker thread from the other pages.
    max_parallel_searches: int = 4
