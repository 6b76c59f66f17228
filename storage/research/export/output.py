"""Where an export's bytes go: hashed as they are written, and a file replaced only when complete.

The manifest's sha256 used to come from reading the output back, which
hangs when the output is not a file (`--out /dev/stdout | wc -c` read the
pipe; a link to /dev/zero never ends). Now the digest and size are counted
on the way out. A regular file is written to a temporary file in the same
directory and renamed over the old one only once it is complete, so a
failed re-export (disk full, an interrupted run) leaves the previous export
and its manifest as they were. Anything else (a device, a FIFO, an open
stream such as stdout) is written in place: there is nothing to rename.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


class HashingWriter:
    """A binary sink that counts and hashes what passes through it (and can say where it is)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.bytes = 0
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data).cast("B")
        self.handle.write(view)
        self.digest.update(view)
        self.bytes += len(view)
        return len(view)

    def tell(self) -> int:
        # pyarrow asks where it is; a pipe cannot say, so the count answers.
        return self.bytes

    def flush(self) -> None:
        self.handle.flush()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return False

    def close(self) -> None:
        # Closing belongs to whoever opened the handle; a writer wrapping it
        # (pyarrow, warcio) may call this when it finishes.
        self.flush()

    def sha256(self) -> str:
        return self.digest.hexdigest()


class TextSink:
    """str in, UTF-8 out: what csv.writer needs in front of a HashingWriter."""

    def __init__(self, binary: HashingWriter) -> None:
        self.binary = binary

    def write(self, text: str) -> int:
        self.binary.write(text.encode("utf-8"))
        return len(text)


def is_stream(path: Path) -> bool:
    """True for an existing path that is not a regular file (a device, a FIFO): written in place."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(mode)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside `path`, renamed to `path` when the block ends cleanly, else removed."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, on every path)
        "wb", dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            # A temporary file is private (0600); the export gets the mode a new file would have.
            os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


@contextlib.contextmanager
def open_output(path: Path) -> Iterator[HashingWriter]:
    """A HashingWriter onto `path`: replaced whole if a regular file, written in place otherwise."""
    if is_stream(path):
        with path.open("wb") as handle:
            writer = HashingWriter(handle)
            yield writer
            writer.flush()
        return
    with replacing(path) as handle:
        writer = HashingWriter(handle)
        yield writer


def write_atomically(path: Path, text: str) -> None:
    """`text` as the whole of `path`, never half of it."""
    with replacing(path) as handle:
        handle.write(text.encode("utf-8"))


def file_entry(name: str, writer: HashingWriter) -> dict[str, Any]:
    return {"name": name, "bytes": writer.bytes, "sha256": writer.sha256()}
