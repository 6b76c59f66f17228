"""Torn WARC tails: found by `scan`, cut back by `repair`, never while a writer is alive."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.warc.check import VERIFIED_INDEX, warc_files
from newsarchive.storage.warc.store import WarcStore, read_response, repair, repair_directory, scan
from tests.helpers import capture, newsarchive
from tests.reliability.processes import kill9
from tests.reliability.support import check_archive
from tests.storage.test_warc import exchange

GROUP = "Crashes (kill -9)"


def _write(directory: Path, count: int) -> tuple[Path, list]:
    with WarcStore(directory) as store:
        locations = [
            store.write(exchange(f"<p>page {i}</p>".encode() * 50, f"http://e.com/{i}")) for i in range(count)
        ]
    return directory / locations[0].file, locations


def _readable(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for record in ArchiveIterator(handle) if record.content_stream().read() is not None)


@settings(max_examples=40, deadline=None)
@given(cut=st.floats(min_value=0.0, max_value=0.999))
def test_any_cut_inside_the_tail_is_found_and_repaired(
    tmp_path_factory: pytest.TempPathFactory, cut: float
) -> None:
    directory = tmp_path_factory.mktemp("warc")
    path, locations = _write(directory, 3)
    whole = path.stat().st_size
    last = locations[-1]
    # Cut somewhere after the last response record starts: that record (or its request) is torn.
    position = last.offset + 1 + int(cut * (whole - last.offset - 1))
    with open(path, "r+b") as handle:
        handle.truncate(position)
    found = scan(path)
    assert found.torn or position == last.offset + last.length  # a cut between response and request is clean
    repair(path)
    assert not scan(path).torn
    assert _readable(path) >= 1 + 2 * 2  # warcinfo and the two earlier exchanges survive
    for location in locations[:2]:
        assert read_response(directory, location).status == 200


def test_garbage_after_the_last_record_is_cut(tmp_path: Path, case) -> None:
    entry = case(GROUP, "WARC file with garbage appended", "scan finds it; repair cuts it; records intact")
    path, locations = _write(tmp_path, 2)
    whole = path.stat().st_size
    with open(path, "ab") as handle:
        handle.write(b"\x1f\x8b\x08\x00 not really gzip")
    found = repair(path)
    assert found.torn and found.good_length == whole and path.stat().st_size == whole
    assert [read_response(tmp_path, loc).url for loc in locations] == ["http://e.com/0", "http://e.com/1"]
    entry.observed = found.describe()


def test_a_live_writers_file_is_never_cut(tmp_path: Path, case) -> None:
    entry = case(GROUP, "repair while a writer is running", "the writer's file is left alone")
    with WarcStore(tmp_path) as store:
        location = store.write(exchange(b"<p>live</p>"))
        path = tmp_path / location.file
        with pytest.raises(BlockingIOError):
            repair(path)
        assert repair_directory(tmp_path) == []
        assert path.stat().st_size > 0
        store.write(exchange(b"<p>still writing</p>"))
    assert not scan(path).torn and _readable(path) == 5
    entry.observed = "repair refused (BlockingIOError), directory pass skipped it, writer went on"


WRITER = """
import io, os, sys, time
import newsarchive.storage.warc.store as store_module
from newsarchive.storage.warc.store import WarcStore
from tests.storage.test_warc import exchange

class SlowDisk(io.FileIO):
    # A slow disk: short writes of 256 KiB at most. The store writes a record in
    # one piece and loops over short writes, so a record takes ~100 write calls
    # and the kill lands inside one, whatever the machine's load.
    def write(self, data):
        time.sleep(0.001)
        return super().write(memoryview(data)[: 256 << 10])

def slow_open(file, mode="r", buffering=-1, *args, **kwargs):
    if mode == "ab" and buffering == 0:
        return SlowDisk(file, mode)
    return open(file, mode, buffering, *args, **kwargs)

store_module.open = slow_open
store = WarcStore(sys.argv[1])
store.write(exchange(b"<p>first</p>", "http://e.com/first"))
print("ready", flush=True)
while True:
    # Incompressible, so the gzip member grows on disk as it is written; new bytes each
    # time, or the lean store would write the repeats as small revisit records.
    store.write(exchange(os.urandom(24 << 20), "http://e.com/big"))
"""


@pytest.mark.slow
def test_a_writer_killed_mid_record_leaves_a_tail_the_next_writer_repairs(tmp_path: Path, case) -> None:
    entry = case(
        GROUP,
        "writer killed mid-record (real kill -9)",
        "`warc check` reports it (exit 1); the next writer repairs it; earlier records readable",
    )
    config = ArchiveConfig(home=tmp_path, db_url=f"sqlite:///{tmp_path / 'a.db'}")
    directory = config.warc_dir
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(directory)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    path = warc_files(directory)[0]
    start = path.stat().st_size
    while path.stat().st_size < start + (30 << 20):  # inside the second big record
        assert process.poll() is None
        time.sleep(0.005)
    kill9(process)
    found = scan(path)
    assert found.torn, found
    check = newsarchive(config, "warc", "check")
    assert check.returncode == 1 and path.name in check.stdout and "torn" in check.stdout
    with WarcStore(directory) as store:
        after = store.write(exchange(b"<p>after the crash</p>"))
    assert [s.path.name for s in store.repaired] == [path.name]
    # The day's file is repaired, then appended to: the new record starts where the good part ends.
    assert after.file == path.name and after.offset > found.good_length
    assert not scan(path).torn
    assert read_response(directory, after).body == b"<p>after the crash</p>"
    assert newsarchive(config, "warc", "check").returncode == 0
    entry.observed = f"{found.describe()}; repaired by the next writer; `warc check` clean"


@pytest.mark.slow
def test_the_next_capture_repairs_what_a_killed_capture_tore(news_site, tmp_path: Path, case) -> None:
    entry = case(
        GROUP,
        "torn tail left by a capture, then `newsarchive capture` again",
        "the new capture's writer repairs it; every capture row still readable",
    )
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    assert capture(config, *(news_site.url(f"/gen/{n}.html") for n in range(3))).returncode == 0
    (path,) = warc_files(config.warc_dir)
    # As a kill -9 would leave it: half of a last record, and no "closed whole" entry.
    with open(path, "ab") as handle:
        handle.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + os.urandom(5000))[:700])
    (config.warc_dir / VERIFIED_INDEX).unlink()
    assert scan(path).torn
    assert capture(config, news_site.url("/gen/3.html")).returncode == 0
    assert not scan(path).torn
    integrity = check_archive(config)
    assert integrity.problems == [] and integrity.captures == 4
    entry.observed = f"repaired on the next writer's start; {integrity.captures} captures readable"
