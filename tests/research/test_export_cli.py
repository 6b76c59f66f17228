"""`newsarchive export` as a user drives it: to stdout, to devices and pipes, format from the name,
a failed re-export that leaves the previous one whole, and one-line refusals."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.research.export import formats
from newsarchive.storage.research.export.manifest import verify_manifest
from newsarchive.storage.research.search.query import SearchQuery
from tests.helpers import cli_argv, newsarchive


def lines(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode().splitlines()]


def test_out_dash_streams_to_stdout_and_leaves_no_files(
    filled: Archive, archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    done = subprocess.run(
        [*_command(archive_config), "export", "--format", "jsonl", "--out", "-"],
        capture_output=True,
        cwd=work,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(lines(done.stdout)) == 4
    assert list(work.iterdir()) == []  # no file named "-" nor "-.manifest.json"
    digest = hashlib.sha256(done.stdout).hexdigest()
    assert f"sha256 {digest}, {len(done.stdout)} bytes" in done.stderr.decode()


def test_out_dash_with_a_manifest_file(
    filled: Archive, archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    manifest = tmp_path / "m.json"
    done = subprocess.run(
        [*_command(archive_config), "export", "--format", "csv", "--out", "-", "--manifest", str(manifest)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    entry = json.loads(manifest.read_text())["files"][0]
    assert entry == {
        "name": "stdout",
        "bytes": len(done.stdout),
        "sha256": hashlib.sha256(done.stdout).hexdigest(),
    }


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_dev_stdout_into_a_pipe_does_not_hang(
    filled: Archive, archive_config: ArchiveConfig, fmt: str
) -> None:
    """`export --out /dev/stdout | wc -c` read the pipe back for the checksum and never ended."""
    done = subprocess.run(
        [*_command(archive_config), "export", "--format", fmt, "--out", "/dev/stdout"],
        capture_output=True,  # stdout a pipe, as in `| wc -c`: reading it back would block forever
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout and not Path("/dev/stdout.manifest.json").exists()


def test_a_link_to_dev_zero_does_not_hang(
    filled: Archive, archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    done = newsarchive(archive_config, "export", "--out", str(link), timeout=60)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and "wrote 4 rows" in done.stderr


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("x.jsonl", lambda p: len(p.read_text().splitlines()) == 4),
        ("x.csv", lambda p: p.read_text().startswith("article_id,")),
        ("x.parquet", lambda p: p.read_bytes()[:4] == b"PAR1"),
        ("x.warc.gz", lambda p: p.read_bytes()[:2] == b"\x1f\x8b"),
    ],
)
def test_the_format_follows_the_file_name(
    filled: Archive, archive_config: ArchiveConfig, tmp_path: Path, name: str, check
) -> None:
    out = tmp_path / name
    done = newsarchive(archive_config, "export", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert check(out) and verify_manifest(Path(f"{out}.manifest.json")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.txt"], "cannot tell the format from the name 'x.txt'"),
        (["--out", "-"], "say which format with --format"),
        (["--out", "/no/such/dir/x.jsonl"], "the directory /no/such/dir does not exist"),
    ],
)
def test_refusals_are_one_usage_line(archive_config: ArchiveConfig, args: list[str], message: str) -> None:
    done = newsarchive(archive_config, "export", *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert not Path("/no/such").exists()


def test_a_failed_re_export_leaves_the_previous_one_whole(
    filled: Archive, tmp_path: Path, monkeypatch
) -> None:
    (tmp_path / "exports").mkdir()
    out = tmp_path / "exports" / "x.jsonl"
    with filled.sessions() as session:
        formats.export(session, SearchQuery(), "jsonl", out)
    before = (out.read_bytes(), Path(f"{out}.manifest.json").read_bytes())

    real_rows = formats.iter_rows

    def full_disk(session, query, batch=formats.BATCH_ROWS):
        yield next(iter(real_rows(session, query)))  # one row written, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(formats, "iter_rows", full_disk)
    with filled.sessions() as session, pytest.raises(OSError, match="No space left"):
        formats.export(session, SearchQuery(all_versions=True), "jsonl", out)
    assert (out.read_bytes(), Path(f"{out}.manifest.json").read_bytes()) == before
    assert verify_manifest(Path(f"{out}.manifest.json")) == []
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "x.jsonl",
        "x.jsonl.manifest.json",
    ]  # no .part left
    assert os.stat(out).st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _command(config: ArchiveConfig) -> list[str]:
    return cli_argv(config)
