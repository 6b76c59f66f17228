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


def test_runs_of_a_day_append_to_one_file(tmp_path: Path) -> None:
    locations = []
    for run in range(3):  # three processes' worth of stores, one after the other
        with WarcStore(tmp_path) as store:
            locations.append(store.write(exchange(f"<p>run {run}</p>".encode())))
    assert len({loc.file for loc in locations}) == 1
    assert [read_response(tmp_path, loc).body for loc in locations] == [
        b"<p>run 0</p>",
        b"<p>run 1</p>",
        b"<p>run 2</p>",
    ]
    [path] = list(tmp_path.glob("*.warc.gz"))
    with open(path, "rb") as handle:
        types = [record.rec_type for record in ArchiveIterator(handle)]
    assert types == ["warcinfo", "response", "request"] * 3  # each writer's stretch opens with a warcinfo


def test_concurrent_writers_never_share_a_file(tmp_path: Path) -> None:
    with WarcStore(tmp_path) as first, WarcStore(tmp_path) as second:
        one = first.write(exchange(b"<p>first</p>"))
        two = second.write(exchange(b"<p>second</p>"))
        assert one.file != two.file  # the first holds its file's lock: the second takes a new one
        one_more = first.write(exchange(b"<p>first again</p>"))
    assert one_more.file == one.file
    with WarcStore(tmp_path) as later:  # both free now: the day's first file is taken again
        three = later.write(exchange(b"<p>later</p>"))
    assert three.file == min(one.file, two.file)
    for loc, body in ((one, b"<p>first</p>"), (two, b"<p>second</p>"), (three, b"<p>later</p>")):
        assert read_response(tmp_path, loc).body == body


def test_a_torn_tail_is_cut_before_appending(tmp_path: Path) -> None:
    with WarcStore(tmp_path) as store:
        kept = store.write(exchange(b"<p>kept</p>"))
    path = tmp_path / kept.file
    whole = path.stat().st_size
    with open(path, "ab") as handle:  # a writer killed mid-record
        handle.write(b"\x1f\x8b\x08\x00torn")
    with WarcStore(tmp_path) as store:
        after = store.write(exchange(b"<p>after</p>"))
    assert after.file == kept.file and after.offset > whole
    assert read_response(tmp_path, kept).body == b"<p>kept</p>"
    assert read_response(tmp_path, after).body == b"<p>after</p>"
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_new_day_starts_a_new_file(tmp_path: Path, monkeypatch) -> None:
    from newsarchive.storage.warc import store as warc_store

    monkeypatch.setattr(warc_store, "_today", lambda: "20260301")
    with WarcStore(tmp_path) as store:
        before = store.write(exchange(b"<p>before midnight</p>"))
        monkeypatch.setattr(warc_store, "_today", lambda: "20260302")
        after = store.write(exchange(b"<p>after midnight</p>"))
    assert (before.file, after.file) == (
        "newsarchive-20260301-00001.warc.gz",
        "newsarchive-20260302-00001.warc.gz",
    )
