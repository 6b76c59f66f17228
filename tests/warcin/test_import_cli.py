"""The `newsarchive import` command: its arguments, its errors, and the export round trip."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article, Capture, Version
from tests.helpers import cli_argv, newsarchive
from tests.warcin.test_import import A, B, months
from tests.warcin.warcs import T0, Rec, story, write_warc


def versions(config: ArchiveConfig) -> list[tuple[str, int, str | None, str, object, int]]:
    with Archive(config) as archive, archive.sessions() as session:
        rows = session.execute(
            select(
                Article.canonical_url,
                Version.number,
                Version.title,
                Version.text,
                Version.first_seen_at,
                Version.capture_count,
            )
            .join(Version, Version.article_id == Article.id)
            .order_by(Article.canonical_url, Version.number)
        )
        return [tuple(row) for row in rows]


def test_non_warc_files_are_refused_in_one_line_and_nothing_is_written(
    archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("these are my notes, not a web archive\n")
    done = newsarchive(archive_config, "import", "--workers", "0", str(text))
    assert done.returncode == 1
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 1 and "notes.txt: not a WARC or ARC file" in errors[0]
    assert "Traceback" not in done.stderr
    with Archive(archive_config) as archive, archive.sessions() as session:
        assert session.scalar(select(Capture.id)) is None


def test_paths_from_a_list_on_stdin_and_a_json_summary(archive_config: ArchiveConfig, tmp_path: Path) -> None:
    jan, feb = months(tmp_path)
    listing = f"{feb}\n\n{jan}\n"
    command = [
        "import",
        "--from",
        "-",
        "--json",
        "--domain",
        "news.example.com",
    ]
    # Through stdin: tests.helpers.newsarchive has no input, so subprocess directly.
    done = subprocess.run(
        cli_argv(archive_config, *command),
        input=listing,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["files"] == 2 and summary["new_articles"] == 2
    assert summary["new_versions"] == 1 and summary["unchanged"] == 1
    assert [(url, n) for url, n, *_ in versions(archive_config)] == [(B, 1), (A, 1), (A, 2)]


def test_an_exported_warc_imported_into_a_fresh_archive_gives_the_same_articles_and_versions(
    archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    jan, feb = months(tmp_path)
    assert (
        newsarchive(archive_config, "import", "--copy", "--workers", "0", str(jan), str(feb)).returncode == 0
    )
    out = tmp_path / "export.warc.gz"
    exported = newsarchive(archive_config, "export", "--all-versions", "--format", "warc", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    fresh = ArchiveConfig(home=tmp_path / "fresh", db_url=f"sqlite:///{tmp_path / 'fresh.db'}")
    done = newsarchive(fresh, "import", str(out))  # the default: the extraction pool, one process per core
    assert done.returncode == 0, done.stderr
    original = versions(archive_config)
    assert len(original) == 3
    assert versions(fresh) == original


def test_an_import_killed_with_sigkill_resumes_with_nothing_imported_twice(
    archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    path = tmp_path / "big.warc.gz"
    count = 300
    urls = [f"https://news.example.com/2026/item-{i}.html" for i in range(count)]
    write_warc(path, [Rec(url, T0 + timedelta(seconds=i), story(f"Item {i}")) for i, url in enumerate(urls)])
    Archive(archive_config).close()  # the schema exists before the poller looks
    command = cli_argv(archive_config, "import", "--workers", "0", str(path))
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with Archive(archive_config) as archive:
            while captures(archive) == 0:  # wait for the first committed batch
                assert running.poll() is None, "the import ended before it could be killed"
                time.sleep(0.05)
            assert running.poll() is None
            os.kill(running.pid, signal.SIGKILL)
            running.wait()
            assert 0 < captures(archive) < count
    finally:
        if running.poll() is None:
            running.kill()
    done = newsarchive(archive_config, "import", "--workers", "0", "--json", str(path))
    assert done.returncode == 0, done.stderr
    with Archive(archive_config) as archive, archive.sessions() as session:
        per_url = session.execute(
            select(Capture.requested_url, func.count(Capture.id)).group_by(Capture.requested_url)
        )
        assert dict(per_url.all()) == dict.fromkeys(urls, 1)


def captures(archive: Archive) -> int:
    with archive.sessions() as session:
        return session.scalar(select(func.count(Capture.id))) or 0
