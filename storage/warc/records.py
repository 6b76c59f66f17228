"""Where a record lives and what reading one gives back: shared by the writer, the reader and the indexes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WarcLocation:
    file: str  # name relative to the WARC directory (an absolute path for records imported in place)
    offset: int
    length: int


@dataclass(frozen=True)
class StoredResponse:
    """A response as captured: for a revisit record, its own status and headers with the original's body."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str
    record_id: str
