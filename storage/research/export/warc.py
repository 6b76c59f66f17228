"""WARC export: the raw captures behind a selection, copied byte for byte into one .warc.gz.

Each stored record is its own gzip member (newsarchive.storage.warc.store), so a record is
copied exactly from its offset and length, never re-encoded: digests and
record ids stay those of the original capture. The request record written
right after a response is copied too when it belongs to it (WARC-Concurrent-To).
A warcinfo record of our own opens the file and says what the export is.

A capture kept as a `revisit` record (a re-fetch with the payload of an
earlier one, newsarchive.storage.warc.store) is copied as it is, and the full
response record it refers to is copied with it, once, unless that record is
a capture of the selection itself: the export never holds a revisit without
its payload.
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
from warcio.exceptions import ArchiveLoadFailed
from warcio.warcwriter import WARCWriter

from newsarchive.storage.models import Capture
from newsarchive.storage.research.search.query import SearchQuery, select_versions
from newsarchive.storage.warc.reading import find_original

log = logging.getLogger(__name__)
GZIP_MAGIC = b"\x1f\x8b"
COPY_BLOCK = 1 << 20
# A request record is headers and (rarely) a small body; anything larger is not one of ours.
MAX_REQUEST_BYTES = 4 << 20


@dataclass
class WarcExportStats:
    records: int = 0  # response (or revisit) records copied, one per capture
    requests: int = 0  # request records copied with them
    originals: int = 0  # full responses copied because a revisit refers to them
    missing: list[str] = field(default_factory=list)  # "file:offset" that could not be read

    def to_dict(self) -> dict[str, Any]:
        return {
            "responses": self.records,
            "requests": self.requests,
            "revisit_originals": self.originals,
            "missing_records": self.missing,
        }


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


@dataclass(frozen=True)
class _Head:
    record_id: str
    revisit_headers: list[tuple[str, str]] | None  # the WARC headers of a revisit record, else None


def _head(source: BinaryIO, offset: int) -> _Head | None:
    """The record id of the response or revisit record at `offset` (None for anything else)."""
    source.seek(offset)
    for record in ArchiveIterator(source):
        if record.rec_type not in ("response", "revisit"):
            return None
        headers = record.rec_headers
        revisit = list(headers.headers) if record.rec_type == "revisit" else None
        return _Head(headers.get_header("WARC-Record-ID"), revisit)
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
    _warcinfo(handle, query, name)
    return copy_captures(session, query, handle, warc_dir)


def copy_captures(session: Session, query: SearchQuery, handle: BinaryIO, warc_dir: Path) -> WarcExportStats:
    """The records of the selection's captures (and the originals of their revisits), appended to `handle`."""
    ids, _score, _date = select_versions(session, query)
    selected = select(Capture.id).where(
        Capture.version_id.in_(ids.scalar_subquery()), Capture.warc_file.is_not(None)
    )
    stmt = (
        select(Capture.warc_file, Capture.warc_offset, Capture.warc_length)
        .where(Capture.id.in_(selected.scalar_subquery()))
        .order_by(Capture.warc_file, Capture.warc_offset)  # sequential reads, file by file
        .execution_options(yield_per=1000)
    )
    copier = _Copier(session, selected, Path(warc_dir), handle)
    try:
        for warc_name, offset, length in session.execute(stmt):
            if warc_name is None or offset is None or length is None:  # the query leaves no such row out
                continue
            copier.copy(warc_name, offset, length)
    finally:
        copier.close()
    if copier.stats.missing:
        log.warning("%d capture record(s) could not be read from %s", len(copier.stats.missing), warc_dir)
    return copier.stats


class _Copier:
    def __init__(self, session: Session, selected: Any, warc_dir: Path, out: BinaryIO) -> None:
        self.session = session
        self.selected = selected
        self.warc_dir = warc_dir
        self.out = out
        self.stats = WarcExportStats()
        self.open_name: str | None = None
        self.source: BinaryIO | None = None
        # Originals copied for a revisit that are not captures of the selection: one entry
        # per distinct original, so a thousand revisits of one page copy it once.
        self.originals: set[tuple[str, int]] = set()

    def _open(self, warc_name: str) -> BinaryIO | None:
        if warc_name != self.open_name:
            self.close()
            path = self.warc_dir / warc_name
            self.source = path.open("rb") if path.is_file() else None
            self.open_name = warc_name
        return self.source

    def copy(self, warc_name: str, offset: int, length: int) -> None:
        source = self._open(warc_name)
        head = _head_at(source, offset) if source else None
        if source is None or head is None:
            self.stats.missing.append(f"{warc_name}:{offset}")
            return
        if head.revisit_headers is not None:
            # The original first: a reader going through the file meets the payload before its revisits.
            self._copy_original(warc_name, head.revisit_headers)
        if not _copy_one(source, offset, length, head, self.out, self.stats):
            self.stats.missing.append(f"{warc_name}:{offset}")

    def _copy_original(self, warc_name: str, revisit: list[tuple[str, str]]) -> None:
        directory = (self.warc_dir / warc_name).parent
        try:
            found = find_original(directory, revisit)
        except ValueError:
            found = None
        if found is None:
            self.stats.missing.append(f"original of the revisit at {warc_name}")
            return
        # Named as capture rows name it: relative to the WARC directory, or absolute (imported in place).
        name = found.file if directory == self.warc_dir else str(directory / found.file)
        key = (name, found.offset)
        if key in self.originals or self._selected(name, found.offset):
            return
        self.originals.add(key)
        with (directory / found.file).open("rb") as source:
            member = _gzip_member(source, found.offset, limit=1 << 62)
            if member is None:
                self.stats.missing.append(f"{name}:{found.offset}")
                return
            record = io.BytesIO()
            _copy(source, found.offset, member[0], record)
        self.out.write(record.getvalue())
        self.stats.originals += 1

    def _selected(self, warc_name: str, offset: int) -> bool:
        """Whether the record at this place is a capture of the selection (and so copied as one)."""
        return (
            self.session.scalar(
                select(Capture.id)
                .where(
                    Capture.id.in_(self.selected.scalar_subquery()),
                    Capture.warc_file == warc_name,
                    Capture.warc_offset == offset,
                )
                .limit(1)
            )
            is not None
        )

    def close(self) -> None:
        if self.source:
            self.source.close()
            self.source = None
        self.open_name = None


def _head_at(source: BinaryIO, offset: int) -> _Head | None:
    source.seek(offset)
    if source.read(2) != GZIP_MAGIC:
        return None
    try:
        return _head(source, offset)
    except (EOFError, OSError, ValueError, ArchiveLoadFailed) as exc:
        log.info("no record at %d: %s", offset, exc)
        return None


def _copy_one(
    source: BinaryIO, offset: int, length: int, head: _Head, out: BinaryIO, stats: WarcExportStats
) -> bool:
    """Copy a capture's record and its request record; False if it cannot be read whole."""
    try:
        # Copy through a buffer, so a truncated record never leaves half a record in the output.
        record = io.BytesIO()
        _copy(source, offset, length, record)
        request = _request_after(source, offset + length, head.record_id)
        if request is not None:
            _copy(source, request[0], request[1], record)
    except (EOFError, OSError, ValueError) as exc:
        log.info("skipping record at %d: %s", offset, exc)
        return False
    out.write(record.getvalue())
    stats.records += 1
    stats.requests += request is not None
    return True
