"""CDXJ lines for WARC records, in the form pywb and the WACZ format read.

One line per capture record (`response`, `revisit`, `resource`):

    com,example)/2026/story.html 20260301120000 {"url": ..., "mime": ..., "status": ..., "digest": ...,
                                                 "length": ..., "offset": ..., "filename": ...}

The key is the URL's SURT (the `surt` package, the canonical form pywb looks
URLs up by), then the 14-digit WARC-Date; the JSON holds where the record is
(gzip member offset and length in `filename`). The lines are those
webrecorder's cdxj-indexer (what py-wacz and Browsertrix use) writes for the
same records, field for field. A revisit is indexed as pywb indexes one:
mime `warc/revisit`, the payload digest of its original, so a replayer finds
the original by URL and digest. Lines sort as plain strings.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import BinaryIO

from surt import surt
from warcio.archiveiterator import ArchiveIterator

from newsarchive.storage.warc.check import member_end

INDEXED_TYPES = frozenset({"response", "revisit", "resource"})


@dataclass(frozen=True)
class Indexed:
    """What walking a file from an offset found: the lines, and where the complete records end."""

    lines: list[str]
    end: int  # offset after the last complete record read (the next walk starts here)
    problem: str | None  # why the walk stopped before the end of the file, if it did


def timestamp14(warc_date: str) -> str:
    """'2026-03-01T12:00:00.123456Z' -> '20260301120000'."""
    digits = "".join(ch for ch in warc_date if ch.isdigit())
    return digits[:14].ljust(14, "0")


def surt_key(url: str) -> str:
    try:
        return str(surt(url))
    except (ValueError, TypeError):  # a URL surt cannot parse is still findable by itself
        return url


def cdxj_line(record_bytes: bytes, offset: int, filename: str) -> str | None:
    """The CDXJ line of the one record in `record_bytes` (a whole gzip member), or None if not indexed."""
    for record in ArchiveIterator(io.BytesIO(record_bytes)):
        if record.rec_type not in INDEXED_TYPES:
            return None
        headers = record.rec_headers
        url = headers.get_header("WARC-Target-URI") or ""
        fields: dict[str, str] = {"url": url}
        http = record.http_headers
        if record.rec_type == "revisit":
            fields["mime"] = "warc/revisit"
        elif http is not None:
            fields["mime"] = (http.get_header("Content-Type") or "").split(";")[0].strip() or "unk"
        else:
            fields["mime"] = (headers.get_header("Content-Type") or "unk").split(";")[0].strip()
        if http is not None and http.get_statuscode():
            fields["status"] = http.get_statuscode()
        digest = headers.get_header("WARC-Payload-Digest") or headers.get_header("WARC-Block-Digest")
        if digest:
            fields["digest"] = digest  # "sha1:..." as written, as webrecorder's cdxj-indexer keeps it
        fields["length"] = str(len(record_bytes))
        fields["offset"] = str(offset)
        fields["filename"] = filename
        date = timestamp14(headers.get_header("WARC-Date") or "")
        return f"{surt_key(url)} {date} {json.dumps(fields, ensure_ascii=False)}"
    return None


def index_records(handle: BinaryIO, filename: str, start: int = 0, stop: int | None = None) -> Indexed:
    """CDXJ lines of the complete records from `start` (a record boundary) to `stop` or the end.

    Members are found by checking each one whole (newsarchive.storage.warc.check), so a
    record a live writer is still appending, or a torn tail, is never indexed.
    """
    if stop is None:
        handle.seek(0, io.SEEK_END)
        stop = handle.tell()
    lines: list[str] = []
    offset = start
    while offset < stop:
        end, problem = member_end(handle, offset)
        if problem or end > stop:
            return Indexed(lines, offset, problem or "a record still being written")
        handle.seek(offset)
        line = cdxj_line(handle.read(end - offset), offset, filename)
        if line is not None:
            lines.append(line)
        offset = end
    return Indexed(lines, offset, None)
