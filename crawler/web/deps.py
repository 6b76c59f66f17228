"""FastAPI dependencies: a database session per request, the capture guard."""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from newsarchive.crawler.web.capture import CaptureService
from newsarchive.crawler.web.config import WebSettings

CAPTURE_OFF = (
    "capture over HTTP is off: start `newsarchive serve` with --capture-token "
    "(or NEWSARCHIVE_CAPTURE_TOKEN) to allow it"
)


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.archive.sessions() as session:
        yield session


def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings


def get_capture_service(request: Request) -> CaptureService:
    return request.app.state.capture


def token_problem(settings: WebSettings, given: str | None) -> tuple[int, str] | None:
    """(HTTP status, message) when a capture may not run with this token, else None."""
    if not settings.capture_token:
        return 403, CAPTURE_OFF
    if not given:
        return 401, "a capture needs the server's token (Authorization: Bearer <token>)"
    # Constant-time comparison: the token must not leak through response timing.
    if not hmac.compare_digest(given.encode("utf-8"), settings.capture_token.encode("utf-8")):
        return 401, "wrong capture token"
    return None
