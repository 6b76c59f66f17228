"""Turning Scrapy responses and failures into items (shared by every spider)."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsarchive.crawler.crawl.items import FailureItem, FetchContext, PageItem
from newsarchive.storage.models.capture import Outcome

# The failure reason of a robots.txt refusal (the source spider looks captures up by it).
ROBOTS_REASON = "forbidden by robots.txt"
# How a refusal because robots.txt answered 5xx begins (retried on the next run, not remembered).
ROBOTS_UNAVAILABLE = "robots.txt unavailable"

CONTEXT_KEY = "newsarchive_context"
FETCHED_AT_KEY = "newsarchive_fetched_at"
WARC_KEY = "newsarchive_warc"
# The robots.txt response that governed a request (downloader/robots.py), for the capture row.
ROBOTS_KEY = "newsarchive_robots"
# time.time() after which an on-demand capture's request gives up (downloader/deadline.py).
DEADLINE_KEY = "newsarchive_deadline"


def decoded_headers(response: Response) -> list[tuple[str, str]]:
    pairs = []
    for name, values in response.headers.items():
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


def context_of(request: Request) -> FetchContext:
    context = request.meta.get(CONTEXT_KEY)
    if context is None:
        context = FetchContext(requested_url=request.url)
        request.meta[CONTEXT_KEY] = context
    return context


def page_item(response: Response) -> PageItem:
    return PageItem(
        context=context_of(response.request),  # type: ignore[arg-type]  # a response the engine hands us has one
        final_url=response.url,
        status=response.status,
        headers=decoded_headers(response),
        body=response.body,
        fetched_at=response.meta.get(FETCHED_AT_KEY) or datetime.now(UTC),
        warc=response.meta.get(WARC_KEY),
        robots=response.meta.get(ROBOTS_KEY),
    )


def failure_reason(failure: Failure) -> tuple[str, Outcome, Response | None]:
    """A one-line reason, the outcome (FAILED or SKIPPED) and the response if any."""
    exc = failure.value
    if isinstance(exc, HttpError):
        response = exc.response
        return f"HTTP {response.status}", Outcome.FAILED, response
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or type(exc).__name__
        if text.startswith(ROBOTS_UNAVAILABLE):
            return text, Outcome.SKIPPED, None
        if "robots.txt" in text.lower():
            return ROBOTS_REASON, Outcome.SKIPPED, None
        if "DOWNLOAD_MAXSIZE" in text:  # HttpCompressionMiddleware: a gzip bomb or a huge page
            return "body over the size limit once decompressed (DOWNLOAD_MAXSIZE)", Outcome.FAILED, None
        return text.splitlines()[0][:300], Outcome.FAILED, None
    name = type(exc).__name__
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if "download max size" in detail or "download maxsize" in detail:
        return "body over the size limit (DOWNLOAD_MAXSIZE)", Outcome.FAILED, None
    friendly = _FRIENDLY_ERRORS.get(name)
    if friendly is None:
        return f"{name}: {detail}"[:300], Outcome.FAILED, None
    if detail.lower().startswith(friendly.lower()):
        return detail[:300], Outcome.FAILED, None
    if detail and len(detail) < 200:
        return f"{friendly} ({detail})", Outcome.FAILED, None
    return friendly, Outcome.FAILED, None


# Twisted's and Scrapy's exception names, in words a user can act on.
_FRIENDLY_ERRORS = {
    "DNSLookupError": "DNS lookup failed",
    "CannotResolveHostError": "DNS lookup failed",
    "TimeoutError": "timed out",
    "TCPTimedOutError": "timed out",
    "DownloadTimeoutError": "timed out",
    "ConnectionRefusedError": "connection refused",
    "DownloadConnectionRefusedError": "connection refused",
    "ConnectError": "could not connect",
    "ConnectionLost": "connection lost",
    "ResponseNeverReceived": "no response received",
    "ResponseFailed": "connection lost mid-body",
    "ResponseDataLossError": "connection lost mid-body",
    # Scrapy cancels a body of unknown length when it passes DOWNLOAD_MAXSIZE
    # (the only other cancel is a crawl shutting down).
    "DownloadCancelledError": "download cancelled: body over the size limit (DOWNLOAD_MAXSIZE)",
    "DownloadFailedError": "download failed",
    "UnsupportedURLSchemeError": "unsupported URL scheme",
}


def failure_item(failure: Failure) -> FailureItem:
    request: Request = failure.request  # type: ignore[attr-defined]
    reason, outcome, response = failure_reason(failure)
    meta = response.meta if response is not None else request.meta
    return FailureItem(
        context=context_of(request),
        reason=reason,
        fetched_at=meta.get(FETCHED_AT_KEY) or datetime.now(UTC),
        final_url=response.url if response is not None else None,
        status=response.status if response is not None else None,
        headers=decoded_headers(response) if response is not None else [],
        warc=meta.get(WARC_KEY),
        outcome=outcome,
        robots=meta.get(ROBOTS_KEY) or request.meta.get(ROBOTS_KEY),
    )
