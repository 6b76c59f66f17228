"""Small WARC files for the import tests, written with warcio."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def article_html(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title>"
        f"<meta property='og:title' content='{title}'></head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def story(title: str, extra: str = "") -> bytes:
    paragraphs = [
        f"The city council met on Monday to discuss {title.lower()} and its consequences for residents.",
        "Members debated for three hours before a vote that surprised many observers in the chamber.",
        "Officials said the measure would take effect next month, pending a final review by the mayor.",
    ]
    if extra:
        paragraphs.append(extra)
    return article_html(title, paragraphs)


@dataclass
class Rec:
    url: str
    date: datetime
    body: bytes = b""
    kind: str = "response"  # response, request, metadata, revisit
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    refers_to: str | None = None  # for revisits: the payload digest they repeat


def write_warc(path: Path, records: list[Rec], *, gzip: bool = True) -> list[tuple[int, int]]:
    """Write the records; return each one's (offset, length)."""
    spans = []
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for rec in records:
            start = handle.tell()
            writer.write_record(_record(writer, rec))
            spans.append((start, handle.tell() - start))
    return spans


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest warcio writes for this payload."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    record = writer.create_warc_record(
        "http://x/",
        "response",
        payload=io.BytesIO(body),
        http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
    )
    return record.rec_headers.get_header("WARC-Payload-Digest")


def _record(writer: WARCWriter, rec: Rec):
    date = rec.date.strftime("%Y-%m-%dT%H:%M:%SZ")
    if rec.kind == "response":
        headers = StatusAndHeaders(
            f"{rec.status} X", [("Content-Type", rec.content_type)], protocol="HTTP/1.1"
        )
        return writer.create_warc_record(
            rec.url,
            "response",
            payload=io.BytesIO(rec.body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": date},
        )
    if rec.kind == "revisit":
        headers = StatusAndHeaders("200 OK", [("Content-Type", rec.content_type)], protocol="HTTP/1.1")
        record = writer.create_revisit_record(
            rec.url, digest=rec.refers_to, refers_to_uri=rec.url, refers_to_date=date, http_headers=headers
        )
        record.rec_headers.replace_header("WARC-Date", date)
        return record
    if rec.kind == "request":
        headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
        return writer.create_warc_record(
            rec.url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": date},
        )
    return writer.create_warc_record(
        rec.url,
        rec.kind,
        payload=io.BytesIO(b"via: test\n"),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": date},
    )


def write_arc(path: Path, records: list[Rec]) -> None:
    """An ARC (version 1) file, as older crawlers (Heritrix 1, the Internet Archive) wrote them."""
    block = b"1 0 tests\nURL IP-address Archive-date Content-type Archive-length\n"
    out = b"filedesc://%s 0.0.0.0 20260101000000 text/plain %d\n" % (path.name.encode(), len(block))
    out += block + b"\n"
    for rec in records:
        head = f"HTTP/1.1 {rec.status} X\r\nContent-Type: {rec.content_type}\r\n"
        http = f"{head}Content-Length: {len(rec.body)}\r\n\r\n".encode() + rec.body
        stamp = rec.date.strftime("%Y%m%d%H%M%S")
        out += f"{rec.url} 10.0.0.1 {stamp} text/html {len(http)}\n".encode() + http + b"\n"
    path.write_bytes(out)
