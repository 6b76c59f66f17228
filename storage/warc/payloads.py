"""The payload index: which full response record first held a URL's payload, by digest.

A lean WARC writes a re-fetch whose payload is identical to an earlier
capture's as a `revisit` record (newsarchive.storage.warc.revisits); the
writer needs to know, for a URL and a payload digest, the earlier record, and
the reader needs to find that record again from a revisit. Both ask this
index: a small SQLite file in the WARC directory (`.payloads.sqlite`), so it
travels with the files it describes, is shared by every writer on the machine
(crawls, captures from the API, imports; WAL mode, each insert its own short
transaction) and needs no archive database.

An entry is added only once its record is durable (the store adds what it
wrote when it syncs), so a revisit never points at bytes a crash could take
back. The first entry for a (URL, digest) stays: revisits always refer to the
original full record, never to another revisit. Losing the file loses no
data: revisits already written name their original by URL, date and record
id (newsarchive.storage.warc.reading falls back to looking for it), and the
next captures are simply written in full again.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsarchive.storage.unwritable import unwritable

log = logging.getLogger(__name__)

PAYLOAD_INDEX = ".payloads.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS payloads (
    url TEXT NOT NULL,
    digest TEXT NOT NULL,
    date TEXT NOT NULL,
    record_id TEXT NOT NULL,
    file TEXT NOT NULL,
    offset INTEGER NOT NULL,
    PRIMARY KEY (url, digest)
)
"""


@dataclass(frozen=True)
class Original:
    """A full response record that later identical payloads of its URL refer to."""

    url: str
    digest: str  # the WARC-Payload-Digest, e.g. "sha1:..." (base32)
    date: str  # its WARC-Date
    record_id: str  # its WARC-Record-ID
    file: str  # relative to the WARC directory
    offset: int


class PayloadIndex:
    """Lookups and inserts on one WARC directory's payload index (thread-safe)."""

    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / PAYLOAD_INDEX
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._broken = False

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._connection is not None or self._broken:
            return self._connection
        if not create and not self.path.exists():
            return None
        try:
            connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            # A damaged index costs leanness, never a capture: records are written in full.
            log.warning("payload index %s unusable (%s): writing full records", self.path, exc)
            self._broken = True
            return None
        self._connection = connection
        return connection

    def find(self, url: str, digest: str) -> Original | None:
        with self._lock:
            connection = self._connect(create=False)
            if connection is None:
                return None
            try:
                row = connection.execute(
                    "SELECT date, record_id, file, offset FROM payloads WHERE url = ? AND digest = ?",
                    (url, digest),
                ).fetchone()
            except sqlite3.DatabaseError as exc:
                log.warning("payload index %s unreadable: %s", self.path, exc)
                return None
        if row is None:
            return None
        return Original(url, digest, row[0], row[1], row[2], int(row[3]))

    def add(self, originals: Iterable[Original]) -> None:
        rows = [(o.url, o.digest, o.date, o.record_id, o.file, o.offset) for o in originals]
        if not rows:
            return
        with self._lock:
            connection = self._connect(create=True)
            if connection is None:
                return
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.executemany("INSERT OR IGNORE INTO payloads VALUES (?, ?, ?, ?, ?, ?)", rows)
                connection.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                # A full or read-only disk is the command's to report, in its one
                # line; the index only loses a hint (those payloads are written
                # in full next time), so it does not add a second line.
                level = logging.DEBUG if unwritable(exc) else logging.WARNING
                log.log(level, "payload index %s not updated: %s", self.path, exc)
                if connection.in_transaction:
                    connection.execute("ROLLBACK")

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
