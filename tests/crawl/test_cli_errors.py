"""A damaged or unreachable archive is reported in one line, never as a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from tests.helpers import newsarchive


def test_a_damaged_archive_gives_a_one_line_database_error(tmp_path: Path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    Archive(config).close()
    with sqlite3.connect(tmp_path / "a.db") as connection:  # damage: the search index is gone
        connection.execute("DROP TABLE versions_fts")
    done = newsarchive(config, "search", "budget")
    assert done.returncode == 1
    assert "database error" in done.stderr and "versions_fts" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_an_unreachable_database_is_a_one_line_error(tmp_path: Path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url="postgresql://nobody@127.0.0.1:9/none")
    done = newsarchive(config, "history", "https://example.com/x")
    assert done.returncode == 1
    assert "cannot open the archive" in done.stderr and "Traceback" not in done.stderr
