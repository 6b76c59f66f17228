"""`warc index` on a WARC directory: incremental, sorted, and never pointing past a file's end."""

from __future__ import annotations

import json
import os
from pathlib import Path

from newsarchive.storage.warc.cdxj_index import update_index
from newsarchive.storage.warc.check import repair, warc_files
from newsarchive.storage.warc.store import WarcStore
from tests.storage.test_warc import exchange


def _page(n: int) -> bytes:
    return f"<html><body>page {n} ".encode() + os.urandom(600).hex().encode() + b"</body></html>"


def _offsets(index: Path) -> list[tuple[str, int, int]]:
    rows = []
    for line in index.read_text().splitlines():
        fields = json.loads(line.split(" ", 2)[2])
        rows.append((fields["filename"], int(fields["offset"]), int(fields["length"])))
    return rows


def test_a_second_run_reads_only_new_records(tmp_path: Path) -> None:
    warc, index = tmp_path / "warc", tmp_path / "indexes" / "index.cdxj"
    with WarcStore(warc) as store:
        for n in range(3):
            store.write(exchange(_page(n), url=f"http://example.com/{n}"))
    first = update_index(warc, index)
    assert (first.read, first.added, first.lines) == (1, 3, 3)
    with WarcStore(warc) as store:
        store.write(exchange(_page(9), url="http://example.com/0/later"))
    second = update_index(warc, index)
    assert (second.read, second.added, second.lines) == (1, 1, 4)
    keys = [line.split(" ")[0] for line in index.read_text().splitlines()]
    assert keys == sorted(keys) and "com,example)/0/later" in keys


def test_a_torn_tail_is_not_indexed_and_a_repaired_file_is_indexed_again(tmp_path: Path) -> None:
    warc, index = tmp_path / "warc", tmp_path / "index.cdxj"
    with WarcStore(warc) as store:
        store.write(exchange(_page(1), url="http://example.com/1"))
        store.write(exchange(_page(2), url="http://example.com/2"))
    (path,) = warc_files(warc)
    whole = path.stat().st_size
    with path.open("ab") as handle:  # a writer killed mid-record
        handle.write(b"\x1f\x8b\x08\x00" + b"half a record")
    run = update_index(warc, index)
    assert run.added == 2 and len(run.incomplete) == 1 and path.name in run.incomplete[0]
    assert all(offset + length <= whole for _name, offset, length in _offsets(index))

    repair(path)
    with WarcStore(warc) as store:
        store.write(exchange(_page(3), url="http://example.com/3"))
    rerun = update_index(warc, index)
    assert rerun.added == 1 and rerun.lines == 3
    size = path.stat().st_size
    assert all(offset + length <= size for _name, offset, length in _offsets(index))


def test_a_file_that_shrank_or_vanished_loses_its_lines(tmp_path: Path) -> None:
    warc, index = tmp_path / "warc", tmp_path / "index.cdxj"
    with WarcStore(warc, max_file_size=1) as store:  # one file per record
        for n in range(3):
            store.write(exchange(_page(n), url=f"http://example.com/{n}"))
    assert update_index(warc, index).lines == 3
    names = [p.name for p in warc_files(warc)]
    (warc / names[0]).unlink()
    (warc / names[1]).write_bytes(b"")  # truncated to nothing
    run = update_index(warc, index)
    assert run.dropped == 2 and run.lines == 1
    assert {name for name, _o, _l in _offsets(index)} == {names[2]}
