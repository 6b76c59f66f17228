"""Finding and repairing torn WARC files: what a killed writer leaves behind.

A `.warc.gz` file here is a sequence of gzip members, one WARC record each,
only ever appended to. A writer killed mid-record (kill -9, power loss) leaves
at most one incomplete member at the end: the *torn tail*. Every record the
database points at was fsynced before its row was committed, so truncating
the file to the end of its last complete member loses nothing the archive
refers to, and makes the file readable by every WARC tool again.

A file whose writer is alive must never be truncated: writers hold an
exclusive `flock` on their open file, and repair skips any file it cannot
lock. Files checked once are listed in `VERIFIED_INDEX` (name and size), so a
new writer does not re-read a whole archive of finished files.
"""

from __future__ import annotations

import contextlib
import logging
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

try:  # POSIX only; elsewhere no file is ever considered in use
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

VERIFIED_INDEX = ".verified"
_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class WarcScan:
    path: Path
    size: int  # bytes in the file
    records: int  # complete records (gzip members) from the start
    good_length: int  # where the last complete record ends
    problem: str | None = None  # why reading stopped before the end, one line

    @property
    def torn(self) -> bool:
        return self.good_length < self.size

    def describe(self) -> str:
        if not self.torn:
            return f"{self.path.name}: ok, {self.records} records"
        lost = self.size - self.good_length
        return f"{self.path.name}: torn at byte {self.good_length} ({self.problem}); {lost} bytes after {self.records} records"


def member_end(handle: BinaryIO, start: int) -> tuple[int, str | None]:
    """Where the gzip member starting at `start` ends, or (start, why) if it is incomplete or bad."""
    handle.seek(start)
    if handle.read(2) != _GZIP_MAGIC:
        return start, "not a gzip member"
    handle.seek(start)
    inflate = zlib.decompressobj(31)
    head = b""
    consumed = start
    while not inflate.eof:
        chunk = handle.read(_CHUNK)
        if not chunk:
            return start, "the file ends inside a record"
        consumed += len(chunk)
        pending = chunk
        try:
            # Bounded output per call: a record's payload may itself be a bomb.
            while pending and not inflate.eof:
                out = inflate.decompress(pending, _CHUNK)
                if len(head) < 5:
                    head += out[:5]
                pending = inflate.unconsumed_tail
        except zlib.error as exc:
            return start, f"corrupt gzip data ({exc})"
    if not head.startswith(b"WARC/"):
        return start, "a gzip member that is not a WARC record"
    return consumed - len(inflate.unused_data), None


def scan(path: str | Path) -> WarcScan:
    """Read a gzipped WARC file member by member; report where it stops being whole."""
    path = Path(path)
    size = path.stat().st_size
    records = good = 0
    problem = None
    with open(path, "rb") as handle:
        while good < size:
            end, problem = member_end(handle, good)
            if problem:
                break
            records, good = records + 1, end
    return WarcScan(path, size, records, good, problem)


def try_lock(handle: BinaryIO) -> bool:
    """Take the writer's exclusive lock without waiting; False if another writer holds it."""
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def _unless_in_use(path: Path) -> Iterator[BinaryIO | None]:
    """The file opened for writing and locked, or None while a live writer holds it."""
    with open(path, "r+b") as handle:
        yield handle if try_lock(handle) else None


def repair(path: str | Path) -> WarcScan:
    """Truncate a torn tail to the last complete record. Returns the scan made before.

    Raises BlockingIOError if a live writer holds the file.
    """
    path = Path(path)
    with _unless_in_use(path) as handle:
        if handle is None:
            raise BlockingIOError(f"{path.name} is being written by a running process")
        found = scan(path)
        if found.torn:
            handle.truncate(found.good_length)
            handle.flush()
            os.fsync(handle.fileno())
    return found


def warc_files(directory: str | Path) -> list[Path]:
    directory = Path(directory)
    return sorted(directory.glob("*.warc.gz")) if directory.is_dir() else []


def verified_files(directory: Path) -> set[tuple[str, int]]:
    """(name, size) of every file recorded whole at that size."""
    try:
        lines = (directory / VERIFIED_INDEX).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return set()
    found = set()
    for line in lines:
        name, _, size = line.rpartition("\t")
        if name and size.isdigit():
            found.add((name, int(size)))
    return found


def mark_verified(directory: str | Path, name: str, size: int) -> None:
    """Record a whole file; one short O_APPEND write, so concurrent writers do not interleave."""
    fd = os.open(Path(directory) / VERIFIED_INDEX, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{name}\t{size}\n".encode())
    finally:
        os.close(fd)


def repair_directory(directory: str | Path) -> list[WarcScan]:
    """Repair every torn file no live writer holds; return the files that were torn.

    Files already listed whole at their current size are skipped unread.
    """
    directory = Path(directory)
    known = verified_files(directory)
    repaired: list[WarcScan] = []
    for path in warc_files(directory):
        try:
            size = path.stat().st_size
            if (path.name, size) in known:
                continue
            with _unless_in_use(path) as handle:
                if handle is None:
                    continue
                found = scan(path)
                if found.torn:
                    handle.truncate(found.good_length)
                    os.fsync(handle.fileno())
                    repaired.append(found)
                mark_verified(directory, path.name, found.good_length)
        except OSError as exc:  # removed meanwhile, or not ours to write: never stop a writer for it
            log.warning("cannot check WARC file %s: %s", path.name, exc)
            continue
    return repaired
