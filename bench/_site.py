"""The benchmark's news site: real article pages under many URLs, a feed and a news sitemap.

Pages come from the shared evaluation sets (``<set>/pages/*.html.gz``),
each repeated under distinct URLs with a marker comment so no two bodies are
byte-identical. nginx (Debian's) serves the docroot with its own config in a
temporary directory on a free port; without nginx, Python's threaded static
server does (slower, and the benchmark says so).
"""

from __future__ import annotations

import gzip
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; application/rss+xml xml; text/plain txt; }}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 100000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        {validators}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def source_pages(shared: Path) -> list[bytes]:
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(shared.glob("evaldata/*/pages/*.html.gz"))]
    if not pages:
        raise SystemExit(f"no pages under {shared}/evaldata/*/pages/")
    return pages


def build_docroot(root: Path, pages: list[bytes], count: int) -> list[str]:
    """Write `count` article pages plus robots.txt; return their paths."""
    paths = []
    for i in range(count):
        path = f"/news/{i // 1000:03d}/article-{i:06d}.html"
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pages[i % len(pages)] + f"\n<!-- benchmark copy {i} -->\n".encode())
        paths.append(path)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    return paths


def write_feed_and_sitemap(root: Path, base: str, paths: list[str]) -> None:
    now = datetime.now(UTC)
    items = []
    urls = []
    for i, path in enumerate(paths):
        when = now - timedelta(minutes=i)
        items.append(
            f"<item><title>Article {i}</title><link>{escape(base + path)}</link>"
            f"<guid>{escape(base + path)}</guid><pubDate>{format_datetime(when)}</pubDate></item>"
        )
        urls.append(
            f"<url><loc>{escape(base + path)}</loc><news:news><news:publication>"
            f"<news:name>Bench</news:name><news:language>en</news:language></news:publication>"
            f"<news:publication_date>{when.isoformat()}</news:publication_date>"
            f"<news:title>Article {i}</news:title></news:news></url>"
        )
    (root / "rss.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench</title>'
        f"<link>{base}/</link><description>benchmark</description>{''.join(items)}</channel></rss>"
    )
    (root / "news-sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(urls) + "</urlset>"
    )


@dataclass
class BenchSite:
    root: Path
    server: str = "nginx"
    base_url: str = ""
    paths: list[str] = field(default_factory=list)
    # False: no ETag, If-Modified-Since ignored, every fetch a 200 with the whole page
    # (as many news sites answer), which is what bench/lean_warc.py measures.
    conditional: bool = True
    _process: subprocess.Popen[bytes] | None = None
    _httpd: ThreadingHTTPServer | None = None

    @property
    def urls(self) -> list[str]:
        return [self.base_url + p for p in self.paths]

    def start(self, pages: list[bytes], count: int) -> None:
        docroot = self.root / "docroot"
        self.paths = build_docroot(docroot, pages, count)
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        write_feed_and_sitemap(docroot, self.base_url, self.paths)
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if nginx:
            conf = self.root / "nginx.conf"
            validators = "etag on;" if self.conditional else "etag off; if_modified_since off;"
            conf.write_text(NGINX_CONF.format(tmp=self.root, port=port, root=docroot, validators=validators))
            self._process = subprocess.Popen(
                [nginx, "-c", str(conf), "-p", str(self.root)], stderr=subprocess.DEVNULL
            )
        else:
            print("warning: nginx not found; serving with Python's http.server (slower)", file=sys.stderr)
            self.server = "python http.server"
            quiet = _QuietHandler if self.conditional else _UnconditionalHandler
            handler = partial(quiet, directory=str(docroot))
            self._httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
            threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        _wait_for_port(port)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
        if self._httpd is not None:
            self._httpd.shutdown()


class _QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass


class _UnconditionalHandler(_QuietHandler):
    def send_head(self):  # type: ignore[no-untyped-def]
        del self.headers["If-Modified-Since"]  # always the whole page
        return super().send_head()


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the benchmark site did not start on port {port}")
