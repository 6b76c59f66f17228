"""Misbehaving pages under /fault/: errors, redirects, slow and broken bodies, bad encodings.

Each takes its knobs from the query string (documented per fault in FAULTS).
"""

from __future__ import annotations

import random
import struct
import time
import zlib
from collections.abc import Callable, Mapping
from functools import cache
from threading import Event
from typing import BinaryIO

from tests.site.response import HTML, AbortConnection, Response, text

MIB = 1 << 20
OFFSITE = "http://other.invalid/"

ARTICLE_TEXT = (
    "The harbour authority approved the new ferry timetable on Tuesday after months of debate. "
    "Residents of the island had asked for an earlier morning crossing so that children could reach "
    "the secondary school on time, and the operator agreed to add a sailing at 6.45am."
)
_PAGE = (
    "<!DOCTYPE html><html><head>{meta}<title>{title}</title></head>"
    "<body><article><h1>{title}</h1>{body}</article></body></html>"
)


def _page(title: str, body: str, meta: str = '<meta charset="utf-8">') -> str:
    return _PAGE.format(title=title, body=body, meta=meta)


def _int(q: Mapping[str, str], key: str, default: int) -> int:
    try:
        return int(q.get(key, default))
    except ValueError:
        return default


def _float(q: Mapping[str, str], key: str, default: float) -> float:
    try:
        return float(q.get(key, default))
    except ValueError:
        return default


def _retry(status: int, q: Mapping[str, str], hits: int) -> Response:
    if hits <= _int(q, "fail", 2):
        return text(
            f"<html><body>{status} try later</body></html>",
            status,
            headers={"Retry-After": q.get("retry_after", "1")},
        )
    return text(_page("Recovered", f"<p>Served after {hits - 1} failures. {ARTICLE_TEXT}</p>"))


def _slow(q: Mapping[str, str], closing: Event) -> Response:
    seconds = _float(q, "seconds", 10.0)
    closing.wait(seconds)
    return text(_page("Slow page", f"<p>Answered after {seconds} seconds. {ARTICLE_TEXT}</p>"))


def _held(q: Mapping[str, str], closing: Event, released: Event) -> Response:
    """Answers once the test releases it (or after ?seconds=120, or when the site closes)."""
    give_up = time.monotonic() + _float(q, "seconds", 120.0)
    while not released.wait(0.05) and not closing.is_set() and time.monotonic() < give_up:
        pass
    return text(_page("Held page", f"<p>Answered once released. {ARTICLE_TEXT}</p>"))


def _drip(q: Mapping[str, str]) -> Response:
    n, seconds = _int(q, "bytes", 20), _float(q, "seconds", 10.0)

    def stream(out: BinaryIO, closing: Event) -> None:
        for _ in range(n):
            out.write(b"x")
            out.flush()
            if closing.wait(seconds / n):
                return

    return Response(headers={"Content-Length": str(n)}, stream=stream, content_type="text/plain")


def _reset(q: Mapping[str, str]) -> Response:
    sent, promised = _int(q, "sent", 1000), _int(q, "length", 100_000)

    def stream(out: BinaryIO, closing: Event) -> None:
        out.write((b"<html><body><p>" + b"partial " * promised)[:sent])
        out.flush()
        raise AbortConnection

    return Response(headers={"Content-Length": str(promised)}, stream=stream)


def _huge(q: Mapping[str, str]) -> Response:
    total = _int(q, "mb", 5) * MIB + 1024
    chunk = (b"<p>" + b"all work and no play " * 50 + b"</p>\n") * 60

    def stream(out: BinaryIO, closing: Event) -> None:
        left = total
        while left > 0 and not closing.is_set():
            piece = chunk[: min(left, len(chunk))]
            out.write(piece)
            left -= len(piece)

    # length=0: no Content-Length, the body ends when the connection closes
    headers = {"Content-Length": str(total)} if q.get("length") != "0" else {}
    return Response(headers=headers, stream=stream, close="Content-Length" not in headers)


@cache
def _bomb_parts() -> tuple[bytes, bytes, bytes]:
    """One MiB of zeros deflated with a full flush gives the same bytes every time: repeat them."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(MIB)) + c.flush(zlib.Z_FULL_FLUSH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header, block, c.flush(zlib.Z_FINISH)


@cache
def _zeros_crc(mb: int) -> int:
    crc, zeros = 0, bytes(MIB)
    for _ in range(mb):
        crc = zlib.crc32(zeros, crc)
    return crc


def gzip_bomb(mb: int) -> tuple[int, Callable[[BinaryIO], None]]:
    """(compressed length, writer) for a gzip stream expanding to mb MiB of zeros."""
    header, block, end = _bomb_parts()
    trailer = struct.pack("<II", _zeros_crc(mb), (mb * MIB) & 0xFFFFFFFF)

    def write(out: BinaryIO) -> None:
        out.write(header)
        for _ in range(mb):
            out.write(block)
        out.write(end + trailer)

    return len(header) + mb * len(block) + len(end) + len(trailer), write


def _bomb(q: Mapping[str, str]) -> Response:
    length, write = gzip_bomb(_int(q, "mb", 1024))
    return Response(
        headers={"Content-Length": str(length), "Content-Encoding": "gzip"}, stream=lambda out, _: write(out)
    )


def _pdf() -> bytes:
    content = b"BT /F1 18 Tf 72 720 Td (Annual report of the harbour authority) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


NO_CHARSET_TEXT = "Café owners in São Paulo and Zürich say the crème brûlée tax is «absurd», reports Müller."
WRONG_CHARSET_TEXT = (
    "The minister said: \u201cWe will not raise taxes\u201d \u2013 a promise worth \u20ac5bn."
)

MALFORMED = """<html><head><title>Storm closes harbour</title>
<body><div class="story"><h1>Storm closes harbour<h1>
<p>Gale-force winds forced the harbour master to close the port on Sunday, stranding
three ferries and hundreds of passengers overnight. <b>Crews worked <i>through</b> the night</i>
to secure the moored vessels, officials said.
<p>The coastguard said no one was injured & the port would reopen <when the wind drops.
<table><tr><td><p>Forecasters expect the storm to weaken by Monday afternoon, allowing the first
sailings to resume before evening, according to the regional weather service.</div></td>
<p>Passengers were offered hotel rooms & vouchers by the ferry operator, which apologised
for the disruption and promised refunds for cancelled crossings.
</span></article><script>var x = "</div>";
"""

RSS_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Faulty</title>'
RSS_HEAD += "<link>/</link><description>d</description>\n"


def _rss_items(base: str, n: int) -> str:
    return "".join(
        f"<item><title>Generated story {i}</title><link>{base}/gen/{i}.html</link>"
        f"<guid>{base}/gen/{i}.html</guid><pubDate>Thu, 01 Jan 2026 00:00:00 +0000</pubDate></item>\n"
        for i in range(n)
    )


def _offsite_sitemap(n: int) -> str:
    urls = "".join(
        f"<url><loc>https://news{i % 97}.example.com/story/{i}.html</loc></url>\n" for i in range(n)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'


XML = "application/xml; charset=utf-8"


def _refresh_page(target: str, charset: str = "utf-8") -> str:
    # Plenty of markup before the tag: the redirect must be found past the first few bytes.
    filler = "<link rel='preload' href='/static/font.woff2' as='font'>" * 20
    refresh = f'<meta http-equiv="Refresh" content="0; url={target}">'
    return _page("Moved", "<p>This story has moved.</p>", meta=f'<meta charset="{charset}">{filler}{refresh}')


def fault(
    name: str, q: Mapping[str, str], hits: int, closing: Event, base: str, released: Event | None = None
) -> Response | None:
    """The response for /fault/<name>, or None when there is no such fault.

    hits: how many times this exact request target was seen, this request included;
    released: what /fault/held waits for (SiteAPI.release_held).
    """
    simple: dict[str, Callable[[], Response]] = {
        "404": lambda: text("<html><body>Not found</body></html>", 404),
        "500": lambda: text("<html><body>Internal error</body></html>", 500),
        "redirect-loop": lambda: Response(302, headers={"Location": "/fault/redirect-loop-2"}),
        "redirect-loop-2": lambda: Response(302, headers={"Location": "/fault/redirect-loop"}),
        "redirect-offsite": lambda: Response(301, headers={"Location": OFFSITE}),
        "redirect-home": lambda: Response(302, headers={"Location": "/"}),
        "binary": lambda: Response(
            body=random.Random(_int(q, "seed", 7)).randbytes(_int(q, "kb", 64) * 1024)
        ),
        "pdf": lambda: Response(body=_pdf(), content_type="application/pdf"),
        "no-charset": lambda: Response(
            body=_page("Café tax", f"<p>{NO_CHARSET_TEXT} {ARTICLE_TEXT}</p>", meta="").encode("latin-1"),
            content_type="text/html",
        ),
        "wrong-charset": lambda: Response(
            body=_page("Tax promise", f"<p>{WRONG_CHARSET_TEXT} {ARTICLE_TEXT}</p>").encode("cp1252"),
            content_type=HTML,
        ),
        "malformed": lambda: Response(body=MALFORMED.encode("utf-8")),
        "empty": lambda: Response(body=b""),
        "malformed-feed.xml": lambda: text(
            RSS_HEAD + _rss_items(base, 3) + "<item><title>Broken & <b>unclosed</title><link>x</item>",
            content_type=XML,
        ),
        "empty-feed.xml": lambda: text(RSS_HEAD + "</channel></rss>\n", content_type=XML),
        "huge-feed.xml": lambda: text(
            RSS_HEAD + _rss_items(base, _int(q, "n", 5000)) + "</channel></rss>\n", content_type=XML
        ),
        "offsite-sitemap.xml": lambda: text(_offsite_sitemap(_int(q, "n", 2000)), content_type=XML),
        "slow": lambda: _slow(q, closing),
        "held": lambda: _held(q, closing, released or Event()),
        "drip": lambda: _drip(q),
        "reset": lambda: _reset(q),
        "huge": lambda: _huge(q),
        "gzip-bomb": lambda: _bomb(q),
        "meta-refresh": lambda: text(_refresh_page(q.get("to", "/"))),
        "meta-refresh-utf16": lambda: Response(
            body=_refresh_page(q.get("to", "/"), "utf-16").encode("utf-16"),
            content_type="text/html; charset=utf-16",
        ),
        "503-retry-after": lambda: _retry(503, q, hits),
        "429-retry-after": lambda: _retry(429, q, hits),
    }
    make = simple.get(name)
    return make() if make else None


FAULTS = {
    "404": "404 Not Found",
    "meta-refresh": "a page whose <meta http-equiv=refresh> sends the browser to ?to=/path",
    "meta-refresh-utf16": "the same page in UTF-16 (with a byte-order mark)",
    "500": "500 Internal Server Error",
    "503-retry-after": "503 + Retry-After (?retry_after=1) the first ?fail=2 times per exact URL, then 200",
    "429-retry-after": "as 503-retry-after, with 429",
    "redirect-loop": "302 to redirect-loop-2, which 302s back",
    "redirect-offsite": f"301 to {OFFSITE}",
    "redirect-home": "302 to /",
    "slow": "waits ?seconds=10 before answering",
    "held": "answers once the test calls release_held() (at most ?seconds=120)",
    "drip": "?bytes=20 bytes, one at a time over ?seconds=10",
    "reset": "promises ?length=100000 bytes, sends ?sent=1000, then a TCP reset",
    "huge": "?mb=5 MiB + 1 KiB, streamed; ?length=0 omits Content-Length (ends at close)",
    "gzip-bomb": "Content-Encoding: gzip, ~1 KiB per MiB, expanding to ?mb=1024 MiB of zeros",
    "binary": "?kb=64 KiB of random bytes as text/html",
    "pdf": "a small PDF, application/pdf",
    "no-charset": "latin-1 bytes, Content-Type text/html with no charset and no <meta charset>",
    "wrong-charset": "declares utf-8 (header and meta), body is cp1252",
    "malformed": "badly broken HTML that still holds an article",
    "empty": "200 with an empty body",
    "malformed-feed.xml": "RSS that is not well-formed XML (3 good items first)",
    "empty-feed.xml": "valid RSS with no items",
    "huge-feed.xml": "RSS with ?n=5000 items linking to /gen/<i>.html",
    "offsite-sitemap.xml": "sitemap of ?n=2000 URLs on other domains",
}
