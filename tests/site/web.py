"""The local news web: several sites with real-looking host names on one loopback port.

    with NewsWeb() as web:                      # or the pytest fixture `news_web`
        web.url("feeds.example-news.test", "/rss.xml")   # http://feeds.example-news.test:PORT/rss.xml
        run newsarchive with *web.resolver_args()         # names resolve to 127.0.0.1, no DNS

One server answers for every host by the Host header (tests.site.families
says what each serves); tests.site.resolver maps the names onto 127.0.0.1
for the crawl. Tests add routes per host with set_route().
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from urllib.parse import urlsplit

from tests.site.families import HostSite, example_hosts, news_hosts
from tests.site.hosts import ALL_HOSTS
from tests.site.resolver import resolver_args
from tests.site.response import Response, text
from tests.site.server import _Server


class WebState:
    """Every host's routes and a request log of (host, path); thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.port = 0
        self.hosts: dict[str, HostSite] = {}
        self.counts: Counter[tuple[str, str]] = Counter()
        self.headers: dict[tuple[str, str], dict[str, str]] = {}

    def origin(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def build(self) -> None:
        self.hosts = {**news_hosts(self.origin), **example_hosts(self.origin)}

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Response:
        lower = {k.lower(): v for k, v in headers.items()}
        host = lower.get("host", "").rsplit(":", 1)[0].lower()
        path = urlsplit(target).path
        with self.lock:
            self.counts[host, path] += 1
            self.headers[host, path] = dict(headers)
            site = self.hosts.get(host)
        if site is None:  # a name the web does not serve: as a shared host answers
            return text(f"<html><body>No site {host!r} here</body></html>", 421)
        found = site.routes.get(path)
        if found is None and site.fallback is not None:
            found = site.fallback(path)
        return found or text("<html><body><h1>Page not found</h1></body></html>", 404)


class NewsWeb:
    """The web, served from a daemon thread of this process until close()."""

    def __init__(self) -> None:
        self.state = WebState()
        self._server = _Server(self.state, "127.0.0.1", 0)  # type: ignore[arg-type]
        self.state.port = self.port = self._server.server_address[1]
        self.state.build()
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="news-web", daemon=True
        )
        self._thread.start()

    def url(self, host: str, path: str = "/") -> str:
        if host not in ALL_HOSTS:
            raise KeyError(f"{host!r} is not in tests.site.hosts (the resolver would not find it)")
        return self.state.origin(host) + path

    def set_route(self, host: str, path: str, response: Response) -> None:
        with self.state.lock:
            self.state.hosts.setdefault(host, HostSite()).routes[path] = response

    def request_count(self, host: str, path: str) -> int:
        with self.state.lock:
            return self.state.counts[host, path]

    def requested(self) -> set[tuple[str, str]]:
        with self.state.lock:
            return set(self.state.counts)

    @staticmethod
    def resolver_args() -> list[str]:
        return resolver_args()

    def close(self) -> None:
        self.state.closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> NewsWeb:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
