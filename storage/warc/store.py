"""Raw captures as standard WARC records (ISO 28500, WARC/1.1 via warcio).

Each HTTP exchange becomes a `response` record followed by its `request`
record, each record its own gzip member, so any record can be read from its
offset alone and a torn tail loses at most the last record.

Files are named by day and serial (`newsarchive-20260301-00001.warc.gz`).
A writer appends to the first of the day's files that is under the size limit
and that no other writer holds, so runs of a day share a few large files
instead of leaving one small file each; a file is rotated at the size limit
and at midnight UTC. One writer per file is guaranteed by the lock: a writer
holds an exclusive flock on its file for as long as it writes it, takes a
file only with a non-blocking lock, and a concurrent writer (two crawls, the
API) moves on to the next serial or a new file. Appending to a file whose
tail a killed writer may have torn is safe: the writer repairs it first,
holding the lock (skipping the read when the file is recorded whole at its size).

Before its first file, a writer also repairs the torn tails that killed
writers left anywhere in the directory (newsarchive.storage.warc.check), so
the directory holds only readable files once any writer has started.

Lean WARC: a re-fetch whose payload is identical to an earlier full response
of the same URL is written as a `revisit` record of the WARC/1.1
identical-payload-digest profile, as Heritrix and Browsertrix write them: its
own HTTP status line and headers, no payload, and WARC-Refers-To-Target-URI,
WARC-Refers-To-Date, WARC-Refers-To and WARC-Payload-Digest naming the
original. The originals are found through the payload index beside the
files (newsarchive.storage.warc.payloads), which learns a record only once
it is durable; readers resolve revisits (newsarchive.storage.warc.reading).
"""

from __future__ import annotations

import errno
import io
import os
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from http.client import responses as HTTP_REASONS
from pathlib import Path

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import GzippingWrapper, WARCWriter

from newsarchive.storage.warc.check import (
    WarcScan,
    mark_verified,
    repair,
    repair_directory,
    scan,
    try_lock,
    verified_files,
)
from newsarchive.storage.warc.compress import gzip_compressor
from newsarchive.storage.warc.payloads import Original, PayloadIndex
from newsarchive.storage.warc.reading import read_capture_response, read_response, record_id_at
from newsarchive.storage.warc.records import StoredResponse, WarcLocation

__all__ = [
    "HttpExchange",
    "StoredResponse",
    "WarcLocation",
    "WarcScan",
    "WarcStore",
    "read_capture_response",
    "read_response",
    "repair",
    "repair_directory",
    "scan",
]

DEFAULT_MAX_FILE_SIZE = 1024**3  # the customary 1 GB WARC file
SOFTWARE = "newsarchive/0.1 (warcio)"
# Payloads shorter than this are written in full: a revisit record's own
# headers (refers-to URI, date, record id, digest) would save next to nothing.
MIN_REVISIT_PAYLOAD = 512

# Headers that describe the transfer, not the payload: the body we hold is
# already de-chunked, so keeping them would make the record lie about its
# own bytes. They are kept under a prefixed name, as other archiving crawlers do.
_TRANSFER_HEADERS = {"transfer-encoding"}


@dataclass(frozen=True)
class HttpExchange:
    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    ip_address: str | None = None


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _response_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    kept = []
    for name, value in headers:
        if name.lower() in _TRANSFER_HEADERS:
            kept.append((f"X-Archive-Orig-{name}", value))
        else:
            kept.append((name, value))
    return kept


class WarcStore:
    """Appends exchanges to rotating gzipped WARC files in one directory."""

    def __init__(
        self,
        directory: str | Path,
        *,
        prefix: str = "newsarchive",
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        fsync: bool = True,
        sync_each: bool = True,
        lean: bool = True,
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_file_size = max_file_size
        # fsync before the database commit that points at the record: a crash
        # may leave an orphan record, never a capture row without its bytes.
        self.fsync = fsync
        # sync_each=False (crawls, see crawler/crawl/pipeline/archive_writer.py): write() only
        # hands the bytes to the OS, and the caller calls sync() before it
        # commits rows that point at them: one fsync per database batch, not
        # per record. A rotated or closed file is synced as it closes.
        self.sync_each = sync_each
        self._lock = threading.Lock()
        # Unbuffered: each exchange goes out in one piece (_append), so a failed
        # write leaves nothing in a buffer that a later flush could tear the file with.
        self._file: io.FileIO | None = None
        self._name: str | None = None
        self._opened_before = False
        self._day = ""
        self._full: set[str] = set()  # files this store rotated away from at the size limit
        self._whole = True  # False while a record is half-written (an exception mid-write)
        self.repaired: list[WarcScan] = []  # torn files fixed when this store first opened a file
        # lean=False writes every payload in full (benchmarks compare the two).
        self._payloads = PayloadIndex(self.directory) if lean else None
        # Full records written but not yet synced: the index learns them at the next sync.
        # Until then only this store refers to them, and only from the same file, after them.
        self._pending: dict[tuple[str, str], Original] = {}

    def _open_new(self) -> None:
        if self._file is not None and not self.sync_each:
            self._sync()  # rows may already point into the file rotated away
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        if not self._opened_before:
            self.repaired = repair_directory(self.directory)
            self._opened_before = True
        self._day = _today()
        self._file, self._name = self._take_file_of_the_day()
        self._whole = True
        chunk = io.BytesIO()
        writer = _Writer(chunk, gzip=True, warc_version="1.1")
        info = writer.create_warcinfo_record(
            self._name,
            {"software": SOFTWARE, "format": "WARC File Format 1.1", "hostname": socket.gethostname()},
        )
        writer.write_record(info)  # each writer's stretch of a shared file opens with its own warcinfo
        self._append(chunk.getvalue())
        self._sync()

    def _take_file_of_the_day(self) -> tuple[io.FileIO, str]:
        """An existing file of today under the limit that no writer holds, else a new one; locked."""
        existing = sorted(self.directory.glob(f"{self.prefix}-{self._day}-[0-9][0-9][0-9][0-9][0-9].warc.gz"))
        for path in existing:
            if path.stat().st_size >= self.max_file_size or path.name in self._full:
                continue
            handle = open(path, "ab", buffering=0)  # noqa: SIM115 (held open across calls)
            if not try_lock(handle):  # another writer's: never two writers on one file
                handle.close()
                continue
            _repair_held(self.directory, path, handle)
            return handle, path.name
        serial = int(existing[-1].name[-13:-8]) if existing else 0
        while True:
            serial += 1
            name = f"{self.prefix}-{self._day}-{serial:05d}.warc.gz"
            try:
                fd = os.open(self.directory / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:  # another writer created it a moment ago
                continue
            handle = open(fd, "ab", buffering=0)  # noqa: SIM115
            if not try_lock(handle):  # another writer found it empty and took it first
                handle.close()
                continue
            return handle, name

    def _sync(self) -> None:
        assert self._file is not None
        self._file.flush()
        if self.fsync:
            os.fsync(self._file.fileno())
        synced, self._pending = list(self._pending.values()), {}
        self._index_synced(synced)

    def write(self, exchange: HttpExchange) -> WarcLocation:
        """Write the response (or revisit) and request records; return where the first is."""
        with self._lock:
            # After a failed write the file ends in a torn record: never append past it.
            if self._file is None or not self._whole or self._rotate_now():
                self._open_new()
            assert self._file is not None and self._name is not None
            chunk = io.BytesIO()  # both records, written to the file in one piece
            writer = _Writer(chunk, gzip=True, warc_version="1.1")
            date = _warc_date(exchange.fetched_at)
            reason = HTTP_REASONS.get(exchange.status, "Unknown")
            http_headers = StatusAndHeaders(
                f"{exchange.status} {reason}",
                _response_headers(exchange.response_headers),
                protocol="HTTP/1.1",
            )
            warc_headers = {"WARC-Date": date}
            if exchange.ip_address:
                warc_headers["WARC-IP-Address"] = exchange.ip_address
            response = writer.create_warc_record(
                exchange.url,
                "response",
                payload=io.BytesIO(exchange.body),
                length=len(exchange.body),
                http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
            digest = response.rec_headers.get_header("WARC-Payload-Digest")
            original = self._original(exchange.url, digest, len(exchange.body))
            if original is not None:
                warc_headers["WARC-Refers-To"] = original.record_id
                response = writer.create_revisit_record(
                    exchange.url,
                    digest,
                    original.url,
                    original.date,
                    http_headers=http_headers,
                    warc_headers_dict=warc_headers,
                )
            request = self._request_record(writer, exchange, date, response)
            writer.write_record(response)
            length = chunk.tell()
            writer.write_record(request)
            offset = self._append(chunk.getvalue())
            if original is None and self._payloads is not None and digest:
                record_id = response.rec_headers.get_header("WARC-Record-ID")
                found = Original(exchange.url, digest, date, record_id, self._name, offset)
                self._pending.setdefault((exchange.url, digest), found)
            if self.sync_each:
                self._sync()
            return WarcLocation(self._name, offset, length)

    def _append(self, data: bytes) -> int:
        """Write `data` at the end of the file; returns where it starts.

        If the write fails part way (a full disk), the part written is cut
        off again, so the file still ends with a whole record; only if even
        that fails is the file left torn (`_whole` False), for the next
        writer's repair.
        """
        assert self._file is not None
        offset = self._file.tell()
        self._whole = False
        try:
            view = memoryview(data)
            while view:
                written = self._file.write(view)
                if not written:  # a regular file writes something or raises; never spin
                    raise OSError(errno.EIO, "WARC write made no progress")
                view = view[written:]
        except BaseException:
            try:
                os.ftruncate(self._file.fileno(), offset)
                self._file.seek(offset)  # tell() gives the next record's offset
                self._whole = True
            except OSError:
                pass
            raise
        self._whole = True
        return offset

    def _original(self, url: str, digest: str | None, size: int) -> Original | None:
        """The earlier full record of this URL with this payload, if a revisit may refer to it."""
        if self._payloads is None or not digest or size < MIN_REVISIT_PAYLOAD:
            return None
        pending = self._pending.get((url, digest))
        if pending is not None:
            return pending  # in the file being written, before this record
        found = self._payloads.find(url, digest)
        # Checked, not trusted: the file may have been moved away and its name reused since.
        if found is None or record_id_at(self.directory / found.file, found.offset) != found.record_id:
            return None
        return found

    @staticmethod
    def _request_record(
        writer: WARCWriter, exchange: HttpExchange, date: str, response: ArcWarcRecord
    ) -> ArcWarcRecord:
        request_line = f"{exchange.method} {_request_target(exchange.url)} HTTP/1.1"
        return writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            http_headers=StatusAndHeaders(
                request_line, exchange.request_headers, is_http_request=True, protocol="HTTP/1.1"
            ),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )

    def _index_synced(self, synced: list[Original]) -> None:
        """Let the payload index (and so every writer) refer to records now durable."""
        if self._payloads is not None and synced:
            self._payloads.add(synced)

    def _rotate_now(self) -> bool:
        assert self._file is not None and self._name is not None
        if self._file.tell() >= self.max_file_size:
            self._full.add(self._name)
            return True
        return _today() != self._day  # a new day, a new file

    def sync(self) -> None:
        """Make every record written so far durable (thread-safe).

        The fsync runs outside the lock on a duplicate descriptor, so the
        crawl thread keeps writing while the disk catches up.
        """
        with self._lock:
            if self._file is None:
                return
            self._file.flush()
            synced, self._pending = list(self._pending.values()), {}
            if not self.fsync:
                self._index_synced(synced)
                return
            fd = os.dup(self._file.fileno())
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        self._index_synced(synced)

    def close(self) -> None:
        if self._file is not None:
            if not self.sync_each:
                self._sync()
            if self._name is not None and self._whole:
                # Whole at this size: the next writer's repair pass need not read it.
                mark_verified(self.directory, self._name, self._file.tell())
            self._file.close()
            self._file = None
            self._name = None
        self._pending = {}  # synced above when any were left (sync_each syncs as it writes)
        if self._payloads is not None:
            self._payloads.close()

    def __enter__(self) -> WarcStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class _Gzip(GzippingWrapper):
    def __init__(self, out: io.BytesIO) -> None:
        # Not warcio's __init__: it builds a zlib level-9 compressor (6 ms per
        # page) only to have it replaced; see newsarchive.storage.warc.compress.
        self.compressor = gzip_compressor()
        self.out = out


class _Writer(WARCWriter):
    """warcio's writer with our compressor: each record still its own gzip member."""

    def _write_warc_record(self, out: io.BytesIO, record: ArcWarcRecord) -> None:
        if not self.gzip:  # type: ignore[has-type]  # set by warcio's untyped __init__
            return super()._write_warc_record(out, record)
        self.gzip = False  # warcio would wrap `out` at level 9 itself
        try:
            return super()._write_warc_record(_Gzip(out), record)
        finally:
            self.gzip = True


def _today() -> str:
    return datetime.now(UTC).strftime("%Y%m%d")


def _repair_held(directory: Path, path: Path, handle: io.FileIO) -> None:
    """Cut a torn tail off a file this writer has just locked, before appending to it.

    A file recorded whole at its current size is not read again (the common
    case: the last writer closed it cleanly).
    """
    size = path.stat().st_size
    if (path.name, size) in verified_files(directory):
        return
    found = scan(path)
    if found.torn:
        handle.truncate(found.good_length)
        os.fsync(handle.fileno())
    handle.seek(0, os.SEEK_END)  # tell() gives record offsets: it must be the real end
    mark_verified(directory, path.name, found.good_length)


def _request_target(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = parts.path or "/"
    return f"{target}?{parts.query}" if parts.query else target
