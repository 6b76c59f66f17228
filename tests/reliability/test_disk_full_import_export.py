"""A full disk outside crawls: `import` (database or copied WARC records), `capture`'s WARC
writer, and `export` (data files and WARC exports).

Each must stop with one clear line and a non-zero exit, leave the archive
consistent (no row pointing at bytes that were never written, no torn WARC
file, no half-written export in place of the previous one), and, once there is
space again, the same command must finish the work with nothing done twice.
"""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture
from tests.helpers import FAST, newsarchive
from tests.reliability.disks import fill, grow, tmpfs
from tests.reliability.support import check_archive
from tests.site.server import NewsSite
from tests.warcin.warcs import T0, Rec, story, write_warc

GROUP = "Full disk and read-only archives"
DISK_FULL_LINE = "error: the archive's disk is full or failing"
RECORDS = 400


def _one_line(done: subprocess.CompletedProcess[str], starts: str) -> str:
    """The command's single stderr line, checked to begin with `starts` and to hold no traceback."""
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr and len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith(starts), lines
    return lines[0]


def _captures_per_url(config: ArchiveConfig) -> dict[str, int]:
    with Archive(config) as archive, archive.sessions() as session:
        rows = session.execute(
            select(Capture.requested_url, func.count(Capture.id)).group_by(Capture.requested_url)
        )
        return dict(rows.all())


@pytest.fixture
def warc_to_import(tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "incoming" / "news.warc.gz"
    path.parent.mkdir()
    urls = [f"https://news.example.com/2026/item-{i}.html" for i in range(RECORDS)]
    filler = " ".join(f"Paragraph word {n} of the long report." for n in range(60))
    write_warc(
        path, [Rec(url, T0 + timedelta(seconds=i), story(f"Item {i}", filler)) for i, url in enumerate(urls)]
    )
    return path, urls


def test_an_import_that_fills_the_database_disk_stops_with_one_line_and_resumes(
    case, tmp_path: Path, warc_to_import: tuple[Path, list[str]]
) -> None:
    entry = case(
        GROUP,
        f"import of {RECORDS} records onto a database disk of 1 MB",
        "one line, exit 1, no traceback; what was committed is whole; with space again the same "
        "command finishes with every record imported once",
        before="exit 0; 349 pages counted failed, one 'database or disk is full' warning each",
    )
    path, urls = warc_to_import
    with tmpfs(tmp_path / "disk", "1m") as disk:
        config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{disk / 'archive.db'}")
        done = newsarchive(config, "import", "--workers", "0", str(path), timeout=300)
        assert done.returncode == 1, done.stdout
        line = _one_line(done, DISK_FULL_LINE)
        grow(disk, "64m")
        before = sum(_captures_per_url(config).values())
        assert before < RECORDS, "the disk never filled: make the records bigger"
        assert check_archive(config).problems == []
        again = newsarchive(config, "import", "--workers", "0", "--json", str(path), timeout=300)
        assert again.returncode == 0, again.stderr[-2000:]
        assert _captures_per_url(config) == dict.fromkeys(urls, 1)
    entry.observed = f"exit 1: {line[:90]}; {before} of {RECORDS} committed; the rerun imported the rest once"


def test_an_import_copying_onto_a_full_warc_disk_stops_with_one_line_and_resumes(
    case, tmp_path: Path, warc_to_import: tuple[Path, list[str]]
) -> None:
    entry = case(
        GROUP,
        f"import --copy of {RECORDS} records with the archive's WARC folder on a 256 kB disk",
        "one line, exit 1, no traceback; no capture row without its record, no torn WARC file; "
        "with space again the rerun finishes, every record once",
        before="'Error: file system error: [Errno 28] No space left on device' (not known as a full disk)",
    )
    path, urls = warc_to_import
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    with tmpfs(config.warc_dir, "256k") as disk:
        done = newsarchive(config, "import", "--copy", "--workers", "0", str(path), timeout=300)
        assert done.returncode == 1, done.stdout
        line = _one_line(done, DISK_FULL_LINE)
        integrity = check_archive(config)
        assert integrity.problems == [], integrity.problems
        before = integrity.captures
        assert before < RECORDS, "the disk never filled: make the records bigger"
        grow(disk, "64m")
        again = newsarchive(config, "import", "--copy", "--workers", "0", str(path), timeout=300)
        assert again.returncode == 0, again.stderr[-2000:]
        assert _captures_per_url(config) == dict.fromkeys(urls, 1)
        assert check_archive(config).problems == []
    entry.observed = (
        f"exit 1: {line[:90]}; {before} of {RECORDS} committed, whole; the rerun imported the rest once"
    )


def test_a_capture_whose_warc_disk_is_full_fails_with_one_line(case, tmp_path: Path) -> None:
    entry = case(
        GROUP,
        "capture with the WARC folder on a full disk (the database elsewhere)",
        "exit 1, one line, no traceback; no capture row pointing at a record never written",
        before="a second line: the WARC file, torn by the failed write, could not be closed",
    )
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    with NewsSite() as site, tmpfs(config.warc_dir, "128k") as disk:
        first, second = site.articles[:2]
        assert newsarchive(config, "capture", *FAST, site.article_url(first.slug)).returncode == 0
        filler = fill(disk)
        done = newsarchive(config, "capture", *FAST, site.article_url(second.slug))
        assert done.returncode == 1, done.stdout
        line = _one_line(done, DISK_FULL_LINE)
        filler.unlink()
        integrity = check_archive(config)
        assert integrity.problems == [] and integrity.captures >= 1, integrity.problems
    entry.observed = f"exit 1: {line[:90]}; {integrity.captures} capture(s), all readable"


@pytest.mark.parametrize("fmt", ["jsonl", "warc"])
def test_an_export_onto_a_full_disk_fails_with_one_line_and_keeps_the_previous_export(
    case, tmp_path: Path, fmt: str
) -> None:
    entry = case(
        GROUP,
        f"re-export ({fmt}) onto a full disk",
        "exit 1, one line, no traceback; the previous export and its manifest untouched; no partial file left",
    )
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    with NewsSite() as site:
        done = newsarchive(config, "capture", *FAST, *(site.article_url(a.slug) for a in site.articles[:4]))
        assert done.returncode == 0, done.stderr
    with tmpfs(tmp_path / "out", "2m") as disk:
        out = disk / ("news.warc.gz" if fmt == "warc" else "news.jsonl")
        first = newsarchive(config, "export", "--out", str(out))
        assert first.returncode == 0, first.stderr
        previous, manifest = out.read_bytes(), out.with_name(out.name + ".manifest.json").read_text()
        filler = fill(disk, leave=len(previous) // 2)  # room for half a copy: the rewrite fails midway
        done = newsarchive(config, "export", "--out", str(out))
        assert done.returncode == 1, done.stdout
        line = _one_line(done, "Error: ")
        assert "space" in line.lower(), line
        assert out.read_bytes() == previous
        assert out.with_name(out.name + ".manifest.json").read_text() == manifest
        assert sorted(p.name for p in disk.iterdir()) == sorted(
            [out.name, out.name + ".manifest.json", "filler"]
        )
        filler.unlink()
    shown = line.replace(str(disk), "…")  # the report keeps no local paths
    entry.observed = f"exit 1: {shown[:100]}; previous export and manifest unchanged, no partial file"
