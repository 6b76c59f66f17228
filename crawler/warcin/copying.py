"""`import --copy`: the imported records written into the archive's own WARC files.

Without --copy a capture points at the original file and offset, which the
user must keep. With it, each imported page is written again as a response
record (and a request record, as every capture of ours has) in the archive's
WARC directory, so the archive stands on its own. The record is rewritten,
not copied byte for byte: the payload is stored decoded (de-chunked,
Content-Encoding undone, as the extractor saw it), and the headers that
described the old encoding are kept under X-Archive-Orig- names.
"""

from __future__ import annotations

from pathlib import Path

from newsarchive.crawler.warcin.reader import Record
from newsarchive.storage.warc.store import HttpExchange, WarcLocation, WarcStore

# Headers that describe the bytes on the wire, not the payload we store.
_ENCODING_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}


class RecordCopier:
    def __init__(self, warc_dir: Path) -> None:
        # sync_each=False: one fsync before each database batch (ImportWriter's before_commit).
        self.store = WarcStore(warc_dir, prefix="newsarchive-import", sync_each=False)

    def copy(self, record: Record, body: bytes) -> WarcLocation:
        assert record.date is not None and record.status is not None
        headers = [
            (f"X-Archive-Orig-{name}" if name.lower() in _ENCODING_HEADERS else name, value)
            for name, value in record.http_headers
        ]
        exchange = HttpExchange(
            url=record.url,
            method="GET",
            request_headers=[],
            request_body=b"",
            status=record.status,
            response_headers=headers,
            body=body,
            fetched_at=record.date,
            ip_address=record.warc_headers.get("WARC-IP-Address"),
        )
        return self.store.write(exchange)

    def sync(self) -> None:
        self.store.sync()

    def close(self) -> None:
        self.store.close()
