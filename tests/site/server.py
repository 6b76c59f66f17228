"""The HTTP server: a ThreadingHTTPServer on 127.0.0.1 that serves a SiteState.

with NewsSite() as site:
    site.url("/rss.xml"); site.edit_headline(site.articles[0].slug, "New title")
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import struct
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.site.api import SiteAPI
from tests.site.control import OPS
from tests.site.response import AbortConnection, Response
from tests.site.state import SiteState

NO_BODY = {204, 304}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "NewsArchiveTestSite/1.0"
    timeout = 60  # an idle keep-alive connection is dropped after this long
    disable_nagle_algorithm = True  # else small responses wait ~40 ms on delayed ACKs
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            resp = self.server.state.handle(self.command, self.path, dict(self.headers.items()), body)
        except Exception:  # a bug in the site must show in the test, not hang the client
            resp = Response(500, traceback.format_exc().encode("utf-8"), "text/plain; charset=utf-8")
        try:
            self._send(resp)
        except AbortConnection:
            # SO_LINGER 0: closing now sends a TCP reset, not an orderly FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(self, resp: Response) -> None:
        self.send_response(resp.status)
        headers = dict(resp.headers)
        if resp.content_type and resp.status not in NO_BODY:
            headers.setdefault("Content-Type", resp.content_type)
        if resp.stream is None and resp.status not in NO_BODY:
            headers["Content-Length"] = str(len(resp.body))
        if resp.close:
            headers["Connection"] = "close"
            self.close_connection = True
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command == "HEAD" or resp.status in NO_BODY:
            return
        if resp.stream is not None:
            resp.stream(self.wfile, self.server.state.closing)
        else:
            self.wfile.write(resp.body)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state: SiteState, host: str, port: int, verbose: bool = False) -> None:
        self.state = state
        self.verbose = verbose
        self.connections: set[socket.socket] = set()
        super().__init__((host, port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if self.verbose:
            super().handle_error(request, client_address)


def start_server(state: SiteState, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> _Server:
    server = _Server(state, host, port, verbose)
    state.base_url = f"http://{host}:{server.server_address[1]}"
    return server


class NewsSite(SiteAPI):
    """The news site, served from a daemon thread of this process until close()."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, fixtures: bool = True, verbose: bool = False
    ):
        self.state = SiteState(fixtures=fixtures)
        self._server = start_server(self.state, host, port, verbose)
        self.base_url = self.state.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="news-site", daemon=True
        )
        self._thread.start()

    def _call(self, op: str, **params: Any) -> Any:
        return OPS[op](self.state, {k: v for k, v in params.items() if v is not None})

    def close(self) -> None:
        """Stop serving: wakes slow faults, drops open connections, closes the socket."""
        self.state.closing.set()
        self._server.shutdown()
        for conn in list(self._server.connections):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> NewsSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.site", description="Serve the test news site.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--print-url", action="store_true", help="print the base URL as the first stdout line"
    )
    parser.add_argument("--no-fixtures", action="store_true", help="start with no articles")
    parser.add_argument("--verbose", action="store_true", help="log requests on stderr")
    args = parser.parse_args(argv)
    state = SiteState(fixtures=not args.no_fixtures)
    server = start_server(state, args.host, args.port, args.verbose)
    if args.print_url:
        print(state.base_url, flush=True)
    else:
        print(f"serving {state.base_url}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        state.closing.set()
        server.server_close()
    return 0
