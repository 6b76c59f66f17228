"""Lean WARC: identical re-fetches become revisit records, and every read resolves them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsarchive.storage.warc.check import warc_files
from newsarchive.storage.warc.payloads import PAYLOAD_INDEX
from newsarchive.storage.warc.reading import find_original
from newsarchive.storage.warc.store import MIN_REVISIT_PAYLOAD, WarcStore, read_response
from tests.storage.test_warc import NOW, exchange

PAGE = b"<html><body>" + os.urandom(4000).hex().encode() + b"</body></html>"
PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"


def records(directory: Path) -> list:
    found = []
    for path in warc_files(directory):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                found.append(
                    (record.rec_type, record.rec_headers, record.http_headers, record.content_stream().read())
                )
    return found


def later(body: bytes, minutes: int, **kw: object):
    ex = exchange(body, **kw)  # type: ignore[arg-type]
    return type(ex)(**{**ex.__dict__, "fetched_at": NOW + timedelta(minutes=minutes)})


def test_a_repeat_payload_is_a_revisit_record_that_warcio_reads_and_we_resolve(tmp_path: Path) -> None:
    with WarcStore(tmp_path) as store:
        first = store.write(exchange(PAGE))
    # Another writer, later (another crawl): it finds the original through the index.
    with WarcStore(tmp_path) as store:
        again = store.write(later(PAGE, 60, status=200))
    kinds = [(kind, headers.get_header("WARC-Target-URI")) for kind, headers, _h, _b in records(tmp_path)]
    assert [k for k, _ in kinds] == ["warcinfo", "response", "request", "warcinfo", "revisit", "request"]
    original = records(tmp_path)[1]
    _kind, headers, http, block = records(tmp_path)[4]
    assert headers.get_header("WARC-Profile") == PROFILE
    assert headers.get_header("WARC-Refers-To-Target-URI") == "http://example.com/a"
    assert headers.get_header("WARC-Refers-To-Date") == original[1].get_header("WARC-Date")
    assert headers.get_header("WARC-Refers-To") == original[1].get_header("WARC-Record-ID")
    assert headers.get_header("WARC-Payload-Digest") == original[1].get_header("WARC-Payload-Digest")
    assert headers.get_header("WARC-Date") == "2026-03-01T13:00:00.000000Z"
    # The HTTP headers are kept; the payload is not.
    assert http.get_statuscode() == "200" and http.get_header("Content-Type") == "text/html"
    assert block == b""
    assert again.length < first.length / 4

    resolved = read_response(tmp_path, again)
    assert resolved.body == PAGE
    assert resolved.date == "2026-03-01T13:00:00.000000Z"  # the revisit's own time, id and status
    assert resolved.record_id == headers.get_header("WARC-Record-ID")
    assert read_response(tmp_path, first).body == PAGE


def test_warcio_check_accepts_a_lean_file(tmp_path: Path) -> None:
    with WarcStore(tmp_path) as store:
        store.write(exchange(PAGE))
        store.write(exchange(PAGE))
    (path,) = warc_files(tmp_path)
    checked = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "revisit" in checked.stdout


def test_only_the_same_url_with_the_same_payload_is_a_revisit(tmp_path: Path) -> None:
    other = PAGE.replace(b"<body>", b"<body>edited")
    small = b"<p>" + b"x" * (MIN_REVISIT_PAYLOAD - 10) + b"</p>"
    with WarcStore(tmp_path) as store:
        store.write(exchange(PAGE))
        store.write(exchange(PAGE, url="http://example.com/elsewhere"))  # same bytes, other URL
        store.write(exchange(other))  # same URL, other bytes
        store.write(exchange(small))
        store.write(exchange(small))  # too small to be worth a revisit
        store.write(exchange(b"", status=304))
        store.write(exchange(b"", status=304))  # nothing to refer to
        store.write(exchange(other))  # a repeat of the edited page refers to the edited page
    kinds = [(k, h.get_header("WARC-Target-URI")) for k, h, _x, _y in records(tmp_path) if k != "request"]
    assert [k for k, _ in kinds] == ["warcinfo"] + ["response"] * 7 + ["revisit"]
    revisit = [h for k, h, _x, _y in records(tmp_path) if k == "revisit"][0]
    edited = [h for k, h, _x, b in records(tmp_path) if k == "response" and b == other][0]
    assert revisit.get_header("WARC-Refers-To") == edited.get_header("WARC-Record-ID")


def test_lean_false_writes_every_payload_in_full(tmp_path: Path) -> None:
    with WarcStore(tmp_path, lean=False) as store:
        store.write(exchange(PAGE))
        store.write(exchange(PAGE))
    assert [k for k, *_ in records(tmp_path)].count("response") == 2
    assert not (tmp_path / PAYLOAD_INDEX).exists()


def test_unsynced_records_are_not_offered_to_other_writers(tmp_path: Path) -> None:
    """A record still in the page cache could be lost in a crash: only its own writer may refer to it."""
    with WarcStore(tmp_path, sync_each=False) as first:
        first.write(exchange(PAGE))
        with WarcStore(tmp_path, sync_each=False) as second:
            second.write(exchange(PAGE))  # the first record is not synced: written in full
            first.sync()
            second.sync()
        with WarcStore(tmp_path, sync_each=False) as third:
            location = third.write(exchange(PAGE))
    kinds = [k for k, *_ in records(tmp_path) if k in ("response", "revisit")]
    assert kinds.count("response") == 2 and kinds.count("revisit") == 1
    assert read_response(tmp_path, location).body == PAGE


def test_a_revisit_resolves_without_the_payload_index(tmp_path: Path) -> None:
    with WarcStore(tmp_path, max_file_size=1) as store:  # a file per record: the original elsewhere
        store.write(exchange(PAGE))
        location = store.write(exchange(PAGE))
    assert len(warc_files(tmp_path)) == 2
    (tmp_path / PAYLOAD_INDEX).unlink()
    assert read_response(tmp_path, location).body == PAGE


def test_a_damaged_payload_index_costs_leanness_never_a_record(tmp_path: Path) -> None:
    tmp_path.joinpath(PAYLOAD_INDEX).write_bytes(b"this is not a database" * 100)
    with WarcStore(tmp_path) as store:
        one = store.write(exchange(PAGE))
        two = store.write(exchange(PAGE))
    assert read_response(tmp_path, one).body == PAGE and read_response(tmp_path, two).body == PAGE


def test_an_index_entry_is_trusted_only_if_its_record_is_still_there(tmp_path: Path) -> None:
    with WarcStore(tmp_path) as store:
        store.write(exchange(PAGE))
    (path,) = warc_files(tmp_path)
    path.rename(tmp_path / "moved-away.bin")
    # The next writer starts a file of the same name; the index's offset is not that record.
    with WarcStore(tmp_path) as store:
        location = store.write(exchange(PAGE))
    assert location.file == path.name
    assert [k for k, *_ in records(tmp_path)].count("response") == 1
    assert read_response(tmp_path, location).body == PAGE


def test_a_revisit_whose_original_is_gone_is_a_clear_error(tmp_path: Path) -> None:
    with WarcStore(tmp_path, max_file_size=1) as store:
        original = store.write(exchange(PAGE))
        revisit = store.write(exchange(PAGE))
    (tmp_path / original.file).unlink()
    with pytest.raises(ValueError, match="refers to http://example.com/a"):
        read_response(tmp_path, revisit)


def test_find_original_refuses_a_revisit_without_a_payload_to_read(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="server-not-modified"):
        find_original(
            tmp_path,
            [("WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/server-not-modified")],
        )
