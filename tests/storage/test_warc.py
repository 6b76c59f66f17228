from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from newsarchive.storage.warc.store import HttpExchange, WarcStore, read_response

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def exchange(body: bytes, url: str = "http://example.com/a", status: int = 200) -> HttpExchange:
    return HttpExchange(
        url=url,
        method="GET",
        request_headers=[("User-Agent", "newsarchive-test")],
        request_body=b"",
        status=status,
        response_headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
        body=body,
        fetched_at=NOW,
        ip_address="127.0.0.1",
    )


def test_records_read_back_from_their_offsets(tmp_path: Path) -> None:
    with WarcStore(tmp_path) as store:
        first = store.write(exchange(b"<html>one</html>"))
        second = store.write(exchange(b"gone", url="http://example.com/b", status=404))
    one = read_response(tmp_path, first)
    assert (one.url, one.status, one.body) == ("http://example.com/a", 200, b"<html>one</html>")
    assert ("X-Archive-Orig-Transfer-Encoding", "chunked") in one.headers
    assert read_response(tmp_path, second).status == 404


def test_file_is_valid_warc_with_warcinfo_response_and_request(tmp_path: Path) -> None:
    with WarcStore(tmp_path) as store:
        store.write(exchange(b"<html>x</html>"))
    [path] = list(tmp_path.glob("*.warc.gz"))
    with open(path, "rb") as handle:
        types = [record.rec_type for record in ArchiveIterator(handle)]
    assert types == ["warcinfo", "response", "request"]
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_files_rotate_at_the_size_limit(tmp_path: Path) -> None:
    with WarcStore(tmp_path, max_file_size=2_000) as store:
        locations = [store.write(exchange(bytes(range(256)) * 8)) for _ in range(4)]
    assert len({loc.file for loc in locations}) >= 2
    for location in locations:
        assert read_response(tmp_path, location).body == bytes(range(256)) * 8
