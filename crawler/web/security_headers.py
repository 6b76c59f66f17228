"""Headers every response of the web app carries: no MIME sniffing, no framing.

The HTML pages set a full Content-Security-Policy themselves
(render.PAGE_HEADERS). Everything else (the JSON API, /docs, /redoc,
/openapi.json, static files, error answers) gets its headers here: a browser
must not sniff a JSON body into HTML, and no other site may frame a page of
ours (clickjacking the capture form or the documentation). A pure ASGI
middleware, so streamed and static responses pass through untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
)
# Only where the response has no policy of its own (the pages' is stricter and
# says frame-ancestors 'none' too); /docs needs its scripts, so nothing more here.
FRAME_POLICY = (b"content-security-policy", b"frame-ancestors 'none'")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in (*ALWAYS, FRAME_POLICY):
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
