"""Reading a captured response back, revisit records resolved to the payload they stand for.

A `revisit` record (identical-payload-digest profile) holds the HTTP status
and headers of a re-fetch but not its payload, which is that of an earlier
full `response` record. Every reader of our WARC files goes through
`read_response` (or `find_original`), so a revisit reads as the response it
records: its own status, headers, date and record id, the original's body.

The original is found through the payload index beside the files
(newsarchive.storage.warc.payloads); should that index be gone, by reading
the directory's files for the record the revisit names (WARC-Refers-To, else
its target URI and digest): slow, but nothing a revisit stands for is lost
with the index.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from newsarchive.storage.warc.check import warc_files
from newsarchive.storage.warc.payloads import PayloadIndex
from newsarchive.storage.warc.records import StoredResponse, WarcLocation

log = logging.getLogger(__name__)

IDENTICAL_PAYLOAD_PROFILES = frozenset(
    {
        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
        "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
    }
)


def read_response(directory: str | Path, location: WarcLocation) -> StoredResponse:
    """Read back the response at a location; a revisit record comes back with its original's body.

    Raises ValueError if the record there is neither, or is a revisit whose
    original cannot be found.
    """
    path = Path(directory) / location.file
    with open(path, "rb") as handle:
        handle.seek(location.offset)
        for record in ArchiveIterator(handle):
            if record.rec_type == "revisit":
                return _resolved(path, record)
            return _stored(record, _response_body(record))
    raise ValueError(f"no WARC record at {location.file}:{location.offset}")


def read_capture_response(
    directory: str | Path, location: WarcLocation, body_sha256: str | None
) -> StoredResponse:
    """`read_response` for a capture row: the body is checked against the digest the capture recorded.

    WARC files are named by day and serial, so once a file is moved away or
    deleted its name can be taken again, and a capture's location may then
    hold a well-formed record of another fetch (even of the same URL, since
    edited). Every reader that takes the bytes as this capture's (replay, the
    notebook, re-extraction) goes through here, so none serves or re-reads
    another fetch's page as this one. ValueError when the bytes differ; rows
    written before digests were recorded (None) are read unchecked.
    """
    stored = read_response(directory, location)
    if body_sha256 and hashlib.sha256(stored.body).hexdigest() != body_sha256:
        raise ValueError(
            f"the record at {location.file}:{location.offset} is not this capture's "
            "(other bytes: the file's name taken again?)"
        )
    return stored


def _response_body(record: ArcWarcRecord) -> bytes:
    if record.rec_type != "response":
        raise ValueError(f"expected a response record, found {record.rec_type!r}")
    return record.content_stream().read()


def _stored(record: ArcWarcRecord, body: bytes) -> StoredResponse:
    status_line = record.http_headers.get_statuscode() if record.http_headers else "0"
    return StoredResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(status_line or 0),
        headers=list(record.http_headers.headers) if record.http_headers else [],
        body=body,
        date=record.rec_headers.get_header("WARC-Date"),
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
    )


def _resolved(path: Path, revisit: ArcWarcRecord) -> StoredResponse:
    headers = revisit.rec_headers
    original = find_original(path.parent, headers.headers)
    if original is None:
        raise ValueError(
            f"revisit record at {path.name} refers to {headers.get_header('WARC-Refers-To-Target-URI')} "
            f"of {headers.get_header('WARC-Refers-To-Date')}, which is not in {path.parent}"
        )
    with open(path.parent / original.file, "rb") as handle:
        handle.seek(original.offset)
        record = next(iter(ArchiveIterator(handle)))
        body = _response_body(record)
    return _stored(revisit, body)


def find_original(directory: str | Path, revisit_headers: list[tuple[str, str]]) -> WarcLocation | None:
    """Where the full response record a revisit record stands for is, in `directory`; None if nowhere.

    Only identical-payload-digest revisits have one: any other profile
    (server-not-modified) holds no payload to resolve and raises ValueError.
    The length in the location is -1 (not known without reading the record).
    """
    fields = dict(revisit_headers)
    profile = fields.get("WARC-Profile", "")
    if profile not in IDENTICAL_PAYLOAD_PROFILES:
        raise ValueError(f"a revisit record of profile {profile or 'none'!r} has no payload to read")
    digest = fields.get("WARC-Payload-Digest", "")
    target = fields.get("WARC-Refers-To-Target-URI") or fields.get("WARC-Target-URI", "")
    record_id = fields.get("WARC-Refers-To")
    directory = Path(directory)
    known = PayloadIndex(directory)
    try:
        entry = known.find(target, digest)
    finally:
        known.close()
    trusted = entry is not None and (record_id is None or record_id == entry.record_id)
    # Checked, not trusted: the file may have been moved away and its name reused since.
    if (
        entry is not None
        and trusted
        and record_id_at(directory / entry.file, entry.offset) == entry.record_id
    ):
        return WarcLocation(entry.file, entry.offset, -1)
    log.warning("payload index has no original for a revisit of %s: reading %s", target, directory)
    return _search(directory, target, digest, record_id)


def record_id_at(path: Path, offset: int) -> str | None:
    """The WARC-Record-ID of the response record at `offset` in `path`; None if there is none."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            for record in ArchiveIterator(handle):
                if record.rec_type != "response":
                    return None
                return str(record.rec_headers.get_header("WARC-Record-ID"))
    except (OSError, ValueError, EOFError, ArchiveLoadFailed) as exc:  # gone, or no record starts there
        log.info("no record at %s:%d: %s", path.name, offset, exc)
    return None


def _search(directory: Path, target: str, digest: str, record_id: str | None) -> WarcLocation | None:
    for path in warc_files(directory):
        with open(path, "rb") as handle:
            iterator = ArchiveIterator(handle)
            for record in iterator:
                if record.rec_type != "response":
                    continue
                headers = record.rec_headers
                if record_id is not None:
                    match = headers.get_header("WARC-Record-ID") == record_id
                else:
                    match = (
                        headers.get_header("WARC-Target-URI") == target
                        and headers.get_header("WARC-Payload-Digest") == digest
                    )
                if match:
                    return WarcLocation(path.name, iterator.get_record_offset(), -1)
    return None
