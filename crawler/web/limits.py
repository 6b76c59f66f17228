"""Request bodies capped while they arrive, not after.

Starlette reads a body whole when a route asks for it, so a size check in
the route comes after the server has already held every byte (a 500 MB form
post peaked the server at 1 GB before its 413). This ASGI middleware counts the
bytes of a streamed (chunked) body as the app pulls them: past the cap it
stops reading and the request is answered 413, with the rest never read.
A declared Content-Length over the cap fails the route's first read at once.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a body passes the cap; the app answers it as 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large (at most {limit} bytes)")
        self.limit = limit


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length itself
    return None


async def _answer_413(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"request body too large (at most {limit} bytes)"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            # Close: the unread rest of the body must not be taken for the next request.
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Cap every HTTP request body at `limit` bytes (413 otherwise)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        received = 0
        # A declared length over the cap fails the first read, before a byte
        # is taken: the route still answers (as JSON or the HTML error page).
        exceeded = declared is not None and declared > self.limit
        started = False

        async def capped_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge(self.limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise BodyTooLarge(self.limit)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, capped_receive, tracked_send)
        except BodyTooLarge:
            # Normally the app's handler answers (as JSON or the HTML error
            # page); this is for a route that let the exception escape.
            if started:
                raise
            await _answer_413(send, self.limit)
