"""What a route returns to the HTTP handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from threading import Event
from typing import BinaryIO

HTML = "text/html; charset=utf-8"

# A stream writes the body itself (after the headers are sent); it may raise AbortConnection.
Stream = Callable[[BinaryIO, Event], None]


class AbortConnection(Exception):
    """Raised by a stream to drop the connection with a TCP reset, mid-body."""


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str | None = HTML
    headers: dict[str, str] = field(default_factory=dict)
    stream: Stream | None = None  # when set, headers must carry the Content-Length (or none)
    conditional: bool = False  # give an ETag and honour If-None-Match / If-Modified-Since
    last_modified: datetime | None = None
    close: bool = False


def text(body: str, status: int = 200, content_type: str = HTML, **kw: object) -> Response:
    return Response(status, body.encode("utf-8"), content_type, **kw)  # type: ignore[arg-type]
