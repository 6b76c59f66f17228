"""Keyset ("seek") pagination: where the next page starts, as an opaque cursor.

OFFSET makes the database produce and throw away every row before the page
(page 5,000 of the newest articles reads 100,000 index entries) and shifts
under a running crawl: a new article pushes every hit one place down, so the
next page repeats the last hit of this one. A cursor names the last hit's
sort key and version id instead; the next page is "everything after that" in
the same order, read from the index at that point, and new articles above it
change nothing.

The cursor is opaque to users (URL-safe base64 of a small JSON list) but not
secret: a tampered cursor only moves the starting point, and anything
malformed is a BadQuery.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass

from newsarchive.storage.research.search.syntax import BadQuery

MAX_CURSOR_CHARS = 400


@dataclass(frozen=True)
class Cursor:
    sort: str  # "date" or "relevance": a cursor of one order means nothing in the other
    key: str | float  # the last hit's sort date (text) or score
    version_id: int

    def encode(self) -> str:
        raw = json.dumps([self.sort, self.key, self.version_id], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(value: str, sort: str) -> Cursor:
    """The cursor in `value`, made for `sort` (BadQuery otherwise)."""
    if len(value) > MAX_CURSOR_CHARS:
        raise BadQuery("the cursor is not one this archive gave out")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        kind, key, version_id = json.loads(raw)
    except (ValueError, binascii.Error, TypeError, UnicodeDecodeError):
        raise BadQuery("the cursor is not one this archive gave out") from None
    valid_key = (
        isinstance(key, str)
        if kind == "date"
        else isinstance(key, int | float) and not isinstance(key, bool) and math.isfinite(key)
    )
    if kind not in ("date", "relevance") or not valid_key or type(version_id) is not int:
        raise BadQuery("the cursor is not one this archive gave out")
    if kind != sort:
        raise BadQuery(f"the cursor belongs to a search sorted by {kind}, not {sort}")
    return Cursor(kind, float(key) if kind == "relevance" else key, version_id)
