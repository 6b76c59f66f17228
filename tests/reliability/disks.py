"""Small disks for the full-disk tests: a tmpfs of a given size, filled on demand.

A real full disk, not a mocked write: every layer (SQLite, the WARC writer,
the export's temporary file) meets ENOSPC the way it would in production.
Mounting needs root; elsewhere the tests skip (and fail under CI).
"""

from __future__ import annotations

import contextlib
import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import skip_or_fail


@contextlib.contextmanager
def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """`mount` (created) as a tmpfs of `size` (as mount takes it: 1500k, 2m) for the block."""
    mount.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        skip_or_fail(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()[:200]}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def grow(mount: Path, size: str) -> None:
    """Give a mounted tmpfs more room (space freed, as a user would before running again)."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(mount)], check=True)


def fill(disk: Path, leave: int = 0) -> Path:
    """Take every free byte of `disk` but `leave`; returns the filler file (delete it to free the space)."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    if leave:
        size = filler.stat().st_size
        with filler.open("r+b") as out:
            out.truncate(max(size - leave, 0))
    return filler
