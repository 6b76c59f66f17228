"""WARC export: the raw captures behind a selection, record-exact, readable by warcio."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from newsarchive.storage.archive import Archive
from newsarchive.storage.research.export.formats import export
from newsarchive.storage.research.search.query import SearchQuery
from tests.research.conftest import T0, capture

A = "https://news.example.com/a.html"
B = "https://news.example.com/b.html"


def fill(archive: Archive) -> None:
    capture(archive, A, title="Port strike", text="Dockers strike at the port.", warc=True)
    capture(
        archive,
        A,
        T0 + timedelta(hours=1),
        title="Port strike",
        text="Dockers strike at the port.",
        warc=True,
    )
    capture(
        archive, A, T0 + timedelta(hours=2), title="Port strike ends", text="The strike ended.", warc=True
    )
    capture(archive, B, title="Weather", text="Sunny.", warc=True)
    capture(
        archive, B, T0 + timedelta(hours=1), title="Weather", text="Rain after all."
    )  # no raw record kept


def records(path: Path) -> list[tuple[str, str | None, str]]:
    with path.open("rb") as handle:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read().decode())
            for r in ArchiveIterator(handle)
        ]


def export_warc(archive: Archive, out: Path, **options: object):
    with archive.sessions() as session:
        return export(session, SearchQuery(**options), "warc", out, warc_dir=archive.config.warc_dir)


def test_captures_behind_the_selection_are_copied_exactly(archive: Archive, tmp_path: Path) -> None:
    fill(archive)
    out = tmp_path / "strike.warc.gz"
    result = export_warc(archive, out, text="strike", all_versions=True)
    found = records(out)
    assert found[0][0] == "warcinfo"
    responses = [body for kind, uri, body in found if kind == "response"]
    assert len(responses) == 3 and all("Port strike" in body for body in responses)
    assert [kind for kind, *_ in found[1:]] == ["response", "request"] * 3
    assert result.rows == 3 and json.loads(result.manifest.read_text())["requests"] == 3
    # Record-exact: every copied record's bytes are in the source file as they were.
    source = b"".join(p.read_bytes() for p in archive.config.warc_dir.iterdir())
    with out.open("rb") as handle:
        iterator = ArchiveIterator(handle)
        for record in iterator:
            start = iterator.get_record_offset()
            record.content_stream().read()
            length = iterator.get_record_length()
            if record.rec_type != "warcinfo":
                assert out.read_bytes()[start : start + length] in source


def test_latest_only_by_default_and_missing_raw_records_are_reported(
    archive: Archive, tmp_path: Path
) -> None:
    fill(archive)
    result = export_warc(archive, tmp_path / "latest.warc.gz")
    # A's latest version has one capture; B's latest has none with a WARC record.
    assert result.rows == 1 and result.detail["missing_records"] == []
    for name in archive.config.warc_dir.iterdir():
        name.unlink()
    gone = export_warc(archive, tmp_path / "gone.warc.gz")
    assert gone.rows == 0 and len(gone.detail["missing_records"]) == 1
    assert [kind for kind, *_ in records(tmp_path / "gone.warc.gz")] == ["warcinfo"]


def test_warcio_check_accepts_the_export(archive: Archive, tmp_path: Path) -> None:
    fill(archive)
    out = tmp_path / "all.warc.gz"
    export_warc(archive, out, all_versions=True)
    checked = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", str(out)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "digest pass" in checked.stdout
    indexed = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "index", str(out)], capture_output=True, text=True
    )
    assert indexed.returncode == 0 and indexed.stdout.count('"response"') == 4
