"""Where an imported capture's raw record is: the record's file, offset and length."""

from __future__ import annotations

from warcio.archiveiterator import ArchiveIterator

from newsarchive.crawler.warcin.reader import Record
from newsarchive.storage.fetch import Fetch
from newsarchive.storage.warc.store import WarcLocation


def with_length(fetch: Fetch, record: Record | None) -> Fetch:
    """Fill in the record length of a location taken before the record was read to its end."""
    location = fetch.warc
    if location is None or location.length >= 0:
        return fetch
    if record is not None and location.offset == record.offset and record.length is not None:
        length = record.length
    else:  # a revisit's original record, read earlier in this run
        length = _record_length(location)
    fetch.warc = WarcLocation(location.file, location.offset, length)
    return fetch


def _record_length(location: WarcLocation) -> int:
    with open(location.file, "rb") as handle:
        handle.seek(location.offset)
        iterator = ArchiveIterator(handle, arc2warc=True)
        for _record in iterator:
            return iterator.get_record_length()
    return 0
