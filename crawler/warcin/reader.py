"""Reading WARC (and ARC) files record by record, with offsets, for import.

warcio reads gzipped and plain WARC files and, with `arc2warc`, ARC files.
What it does not do is say when a file is damaged: a gzip member cut in half
ends the iteration silently, and a plain record cut short yields a short
body. This module turns both into a `Damaged` entry with the offset where
reading stopped, then looks for the next record that starts cleanly, so one
bad record costs only itself.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

GZIP_MAGIC = b"\x1f\x8b\x08"
_SCAN_BLOCK = 1 << 20


class NotAnArchive(ValueError):
    """The file is not a WARC or ARC file at all (refused, one line)."""


@dataclass
class Record:
    """One record's headers, and its payload on demand (valid until the next record is read)."""

    path: Path
    offset: int
    rec_type: str
    url: str
    date: datetime | None
    warc_headers: dict[str, str]
    status: int | None
    http_headers: list[tuple[str, str]]
    _record: ArcWarcRecord = field(repr=False)
    length: int | None = None  # set once the record has been read to its end
    checked: bool = False  # its payload was read (and a short one reported by payload())

    @property
    def content_type(self) -> str | None:
        return next((v for k, v in self.http_headers if k.lower() == "content-type"), None)

    def payload(self) -> bytes:
        """The HTTP payload, de-chunked and decoded; raises Truncated if the record is cut short."""
        body = self._record.content_stream().read()
        self.checked = True
        if getattr(self._record.raw_stream, "limit", 0):
            raise Truncated(f"record ends {self._record.raw_stream.limit} bytes early")
        return body


class Truncated(ValueError):
    pass


@dataclass(frozen=True)
class Damaged:
    """Bytes at `offset` that are not a readable record; reading went on at `resumed_at` (None: end)."""

    offset: int
    reason: str
    resumed_at: int | None


def parse_warc_date(value: str | None) -> datetime | None:
    """WARC-Date (ISO 8601, W3C profile; fractions allowed); ARC's 14 digits arrive converted."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.strptime(value.strip()[:14], "%Y%m%d%H%M%S")
        except ValueError:
            return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def read_records(path: Path, start: int = 0) -> Iterator[Record | Damaged]:
    """Every record from `start` on, and a Damaged entry wherever reading broke.

    Raises NotAnArchive when the very first record of the file cannot be read.
    The caller reads a record's payload (or not) before asking for the next.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        gzipped = handle.read(3) == GZIP_MAGIC
        if size and not _looks_like_an_archive(handle, gzipped):
            # warcio would read any line with spaces in it as an ARC header.
            raise NotAnArchive("it starts with neither a WARC record nor an ARC file header")
        position = start
        while position < size:
            handle.seek(position)
            iterator = ArchiveIterator(handle, arc2warc=True)
            end = position
            try:
                for raw in iterator:
                    # iterator.offset, not get_record_offset(): that one reads the record to its end.
                    if gzipped and os.pread(handle.fileno(), 3, iterator.offset) != GZIP_MAGIC:
                        # warcio reads on past a damaged member as plain text, and may
                        # swallow the records after it into one bogus record.
                        end = iterator.offset
                        raise ArchiveLoadFailed("not a gzip member where a record should start")
                    record = _record(path, iterator.offset, raw)
                    if _http_unreadable(record):
                        end = record.offset + iterator.get_record_length()
                        yield Damaged(
                            record.offset, "unreadable HTTP headers (truncated or corrupt record)", end
                        )
                        continue
                    yield record
                    # Reads the rest of the record, so the length (and the next offset) is known.
                    record.length = iterator.get_record_length()
                    end = record.offset + record.length
                    missing = getattr(raw.raw_stream, "limit", 0)
                    if missing and not record.checked:  # cut short, and nobody read it to notice
                        yield Damaged(record.offset, f"record ends {missing} bytes early", end)
            except (ArchiveLoadFailed, zlib.error, EOFError, ValueError) as exc:
                if end == 0 and position == 0:
                    raise NotAnArchive(_one_line(exc)) from None
                resume = _next_record(handle, end + 1, size, gzipped)
                yield Damaged(end, _one_line(exc), resume)
                if resume is None:
                    return
                position = resume
                continue
            if end == 0 and position == 0 and size > 0:
                raise NotAnArchive("no WARC record found")
            if end < size and not _blank_tail(handle, end, size):
                # warcio stops without a word at a gzip member cut short.
                resume = _next_record(handle, end + 1, size, gzipped)
                yield Damaged(end, "the record is cut short (truncated or corrupt gzip member)", resume)
                if resume is None:
                    return
                position = resume
                continue
            return


def _http_unreadable(record: Record) -> bool:
    """A response that says it holds HTTP but whose status line could not be read."""
    declared = record.warc_headers.get("Content-Type", "")
    return record.rec_type == "response" and declared.startswith("application/http") and record.status is None


def _blank_tail(handle: BinaryIO, end: int, size: int) -> bool:
    """Only line ends after the last record (ARC records do not count their closing newline)."""
    if size - end > 16:
        return False
    handle.seek(end)
    return not handle.read().strip()


def _looks_like_an_archive(handle: BinaryIO, gzipped: bool) -> bool:
    handle.seek(0)
    head = handle.read(4096)
    if gzipped:
        try:
            head = zlib.decompressobj(31).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip(b"\r\n").startswith((b"WARC/", b"filedesc://"))


def _record(path: Path, offset: int, raw: ArcWarcRecord) -> Record:
    headers = raw.rec_headers
    status = None
    http: list[tuple[str, str]] = []
    if raw.http_headers is not None and raw.rec_type in ("response", "revisit"):
        code = raw.http_headers.get_statuscode()
        status = int(code) if code and code.isdigit() else None
        http = list(raw.http_headers.headers)
    return Record(
        path=path,
        offset=offset,
        rec_type=raw.rec_type or "",
        url=(headers.get_header("WARC-Target-URI") or "").strip("<>"),
        date=parse_warc_date(headers.get_header("WARC-Date")),
        warc_headers={name: value for name, value in headers.headers},
        status=status,
        http_headers=http,
        _record=raw,
    )


def _next_record(handle: BinaryIO, start: int, size: int, gzipped: bool) -> int | None:
    """The offset of the next record that starts cleanly after damage, or None."""
    marker = GZIP_MAGIC if gzipped else b"WARC/1."
    position = start
    while position < size:
        handle.seek(position)
        block = handle.read(_SCAN_BLOCK + 16)
        found = block.find(marker)
        if found < 0:
            position += _SCAN_BLOCK
            continue
        candidate = position + found
        if _starts_record(handle, candidate, gzipped):
            return candidate
        position = candidate + 1
    return None


def _starts_record(handle: BinaryIO, offset: int, gzipped: bool) -> bool:
    handle.seek(offset)
    head = handle.read(4096)
    if not gzipped:
        return offset == 0 or _preceded_by_newline(handle, offset)
    try:
        return zlib.decompressobj(31).decompress(head, 16).startswith(b"WARC/")
    except zlib.error:
        return False


def _preceded_by_newline(handle: BinaryIO, offset: int) -> bool:
    handle.seek(offset - 1)
    return handle.read(1) == b"\n"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
