"""What went wrong, answered once for the whole app: JSON for the API, the error page for the pages.

Routes raise (newsarchive.storage.research.read.NotFound, newsarchive.storage.research.search.query.BadQuery, RequestError)
and the handlers installed here answer. The answer's form follows the route
that raised: the pages router is built with PageRoute, so an unknown article
is the HTML error page under /web/ and `{"detail": ...}` (what FastAPI's
HTTPException gives) under the API, from the same exception.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from newsarchive.crawler.web.limits import BodyTooLarge
from newsarchive.crawler.web.render import error_page
from newsarchive.storage.research.read import NotFound
from newsarchive.storage.research.search.query import BadQuery

# Exception classes the archive raises, and the HTTP status each one means.
STATUSES: tuple[tuple[type[Exception], int], ...] = ((NotFound, 404), (BadQuery, 400))


class PageRoute(APIRoute):
    """The route class of the HTML pages: their errors are answered with the error page."""


class RequestError(Exception):
    """A request a route refuses, with the HTTP status and a message for the reader."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def is_page(request: Request) -> bool:
    # FastAPI records the matched route in the scope; unmatched paths have none
    # and keep FastAPI's own JSON 404.
    return isinstance(request.scope.get("route"), PageRoute)


def error_response(request: Request, status: int, message: str) -> Response:
    if is_page(request):
        return error_page(request, status, message)
    return JSONResponse({"detail": message}, status_code=status)


def status_of(exc: Exception) -> int:
    if isinstance(exc, RequestError):
        return exc.status
    for cls, status in STATUSES:
        if isinstance(exc, cls):
            return status
    raise TypeError(f"no HTTP status for {type(exc).__name__}")  # only installed for the classes above


async def _answer(request: Request, exc: Exception) -> Response:
    message = exc.message if isinstance(exc, RequestError) else str(exc)
    response = error_response(request, status_of(exc), message)
    if isinstance(exc, RequestError):
        response.headers.update(exc.headers)
    return response


# What a validation error may echo of the input: enough to recognise it, never
# the whole of it (a 10 MB URL was sent back whole in the 422).
MAX_ECHO_CHARS = 200


def clip(value: Any, limit: int = MAX_ECHO_CHARS) -> Any:
    """`value` with every string in it cut to `limit` characters (and containers to `limit` items)."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + "…"
    if isinstance(value, bytes):
        return value if len(value) <= limit else value[:limit] + b"..."
    if isinstance(value, dict):
        return {clip(k, limit): clip(v, limit) for k, v in list(value.items())[:limit]}
    if isinstance(value, list | tuple):
        return [clip(v, limit) for v in value[:limit]]
    return value


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [clip({k: v for k, v in e.items() if k != "url"}) for e in exc.errors()]
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


async def _too_large(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BodyTooLarge)
    response = error_response(request, 413, str(exc.detail))
    # The rest of the body is never read: the connection cannot carry another request.
    response.headers["Connection"] = "close"
    return response


def install(app: FastAPI) -> None:
    """Answer the archive's errors for every route of `app`."""
    for cls, _status in STATUSES:
        app.add_exception_handler(cls, _answer)
    app.add_exception_handler(RequestError, _answer)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(BodyTooLarge, _too_large)
