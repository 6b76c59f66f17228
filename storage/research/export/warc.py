"""WARC export: the raw captures behind a selection, copied byte for byte into one .warc.gz.

Each stored record is its own gzip member (newsarchive.storage.warc.store), so a record is
copied exactly from its offset and length, never re-encoded: digests and
record ids stay those of the original capture. The request record written
right after a response is copied too when it belongs to it (WARC-Concurrent-To).
A warcinfo record of our own opens the file and says what the export is.
"""

from __future__ import annotations

import io
import json
import logging
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from newsarchive.storage.models import Capture
from newsarchive.storage.research.search.query import SearchQuery, select_versions

log = logging.getLogger(__name__)
GZIP_MAGIC = b"\x1f\x8b"
COPY_BLOCK = 1 << 20
# A request record is headers and (rarely) a small body; anything larger is not one of ours.
MAX_REQUEST_BYTES = 4 << 20


@dataclass
class WarcExportStats:
    records: int = 0  # response records copied
    requests: int = 0  # request records copied with them
    missing: list[str] = field(default_factory=list)  # "file:offset" that could not be read

    def to_dict(self) -> dict[str, Any]:
        return {"responses": self.records, "requests": self.requests, "missing_records": self.missing}


def _copy(source: BinaryIO, offset: int, length: int, out: BinaryIO) -> None:
    source.seek(offset)
    remaining = length
    while remaining:
        block = source.read(min(COPY_BLOCK, remaining))
        if not block:
            raise EOFError("record truncated")
        out.write(block)
        remaining -= len(block)


def _gzip_member(source: BinaryIO, offset: int, limit: int = MAX_REQUEST_BYTES) -> tuple[int, bytes] | None:
    """(compressed length, content) of the gzip member at `offset`; None if there is none."""
    source.seek(offset)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    fed, content = 0, bytearray()
    while not inflater.eof:
        block = source.read(64 * 1024)
        if not block or fed > limit:
            return None
        fed += len(block)
        content += inflater.decompress(block)
    return fed - len(inflater.unused_data), bytes(content)


def _request_after(source: BinaryIO, offset: int, response_id: str) -> tuple[int, int] | None:
    """(offset, length) of the request record that follows a response, if it is that response's."""
    source.seek(offset)
    if source.read(2) != GZIP_MAGIC:
        return None
    member = _gzip_member(source, offset)
    if member is None:
        return None
    length, content = member
    head = content.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    fields = dict(line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line)
    if fields.get("WARC-Type") != "request" or fields.get("WARC-Concurrent-To") != response_id:
        return None
    return offset, length


def _response_id(source: BinaryIO, offset: int) -> str | None:
    source.seek(offset)
    for record in ArchiveIterator(source):
        return record.rec_headers.get_header("WARC-Record-ID") if record.rec_type == "response" else None
    return None


def _warcinfo(out: BinaryIO, query: SearchQuery, name: str) -> None:
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    filters = {
        k: str(v) for k, v in vars(query).items() if v not in (None, False) and k not in ("limit", "offset")
    }
    info = {"software": "newsarchive export", "description": "captures behind: " + json.dumps(filters)}
    writer.write_record(writer.create_warcinfo_record(name, info))


def write_warc(
    session: Session, query: SearchQuery, handle: BinaryIO, warc_dir: Path, *, name: str = "export.warc.gz"
) -> WarcExportStats:
    """Copy the response (and request) records of every capture behind the selected versions."""
    ids, _score, _date = select_versions(session, query)
    stmt = (
        select(Capture.warc_file, Capture.warc_offset, Capture.warc_length)
        .where(Capture.version_id.in_(ids.scalar_subquery()), Capture.warc_file.is_not(None))
        .order_by(Capture.warc_file, Capture.warc_offset)  # sequential reads, file by file
        .execution_options(yield_per=1000)
    )
    stats = WarcExportStats()
    open_name: str | None = None
    source: BinaryIO | None = None
    _warcinfo(handle, query, name)
    try:
        for warc_name, offset, length in session.execute(stmt):
            if warc_name is None or offset is None or length is None:  # the query leaves no such row out
                continue
            if warc_name != open_name:
                if source:
                    source.close()
                path = Path(warc_dir) / warc_name
                source = path.open("rb") if path.is_file() else None
                open_name = warc_name
            if source is None or not _copy_one(source, offset, length, handle, stats):
                stats.missing.append(f"{warc_name}:{offset}")
    finally:
        if source:
            source.close()
    if stats.missing:
        log.warning("%d capture record(s) could not be read from %s", len(stats.missing), warc_dir)
    return stats


def _copy_one(source: BinaryIO, offset: int, length: int, out: BinaryIO, stats: WarcExportStats) -> bool:
    source.seek(offset)
    if source.read(2) != GZIP_MAGIC:
        return False
    try:
        response_id = _response_id(source, offset)
        if response_id is None:
            return False
        # Copy through a buffer, so a truncated record never leaves half a record in the output.
        record = io.BytesIO()
        _copy(source, offset, length, record)
        request = _request_after(source, offset + length, response_id)
        if request is not None:
            _copy(source, request[0], request[1], record)
    except (EOFError, OSError, ValueError) as exc:
        log.info("skipping record at %d: %s", offset, exc)
        return False
    out.write(record.getvalue())
    stats.records += 1
    stats.requests += request is not None
    return True
