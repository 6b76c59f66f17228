"""Opening an archive from a notebook: where it is, what is refused, pandas optional, flat memory.

These build their archives through the service (tests/research/conftest.py)
or in bulk; tests/research/test_notebook.py reads one made by real captures.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import tracemalloc
from pathlib import Path

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.db import UnsupportedDatabase, make_engine, upgrade
from newsarchive.storage.research.notebook import ArchiveUnavailable, PandasMissing, open_archive
from tests.research.conftest import BUDGET, capture
from tests.research.test_export_memory import ROWS, bulk_fill


def test_the_users_archive_a_directory_or_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "data"  # the layout the CLI makes: DIR/archive.db, DIR/warc/
    with Archive(ArchiveConfig.resolve(home)) as made:
        capture(made, BUDGET, title="Council approves budget", text="The council approved it.")
    monkeypatch.delenv("NEWSARCHIVE_DB", raising=False)
    monkeypatch.setenv("NEWSARCHIVE_HOME", str(home))
    for location in (None, home, str(home / "archive.db"), f"sqlite:///{home / 'archive.db'}"):
        with open_archive(location) as archive:
            assert archive.article(BUDGET).versions == 1, location
            assert archive.archive.config.warc_dir == home / "warc", location


def test_no_archive_there_is_an_error_and_nothing_is_created(tmp_path: Path) -> None:
    for location in (tmp_path / "nothing", tmp_path / "nothing" / "archive.db"):
        with pytest.raises(ArchiveUnavailable, match="no archive at"):
            open_archive(location)
    assert list(tmp_path.iterdir()) == []
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    with pytest.raises(ArchiveUnavailable, match="no newsarchive schema"):
        open_archive(other)
    with pytest.raises(
        ArchiveUnavailable, match="cannot open the archive at postgresql://postgres:\\*\\*\\*@"
    ):
        open_archive("postgresql://postgres:secret@127.0.0.1:1/none")
    with pytest.raises(UnsupportedDatabase, match="unsupported database 'mysql'") as raised:
        open_archive("mysql://user:secret@localhost/news")
    assert "secret" not in str(raised.value)


def test_an_older_schema_is_named_with_the_command_that_upgrades_it(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0010")
    engine.dispose()
    with pytest.raises(ArchiveUnavailable, match=r"schema 0010, .*newsarchive db upgrade"):
        open_archive(db_url)
    with open_archive(db_url, writable=True) as archive:  # as the CLI opens it: upgraded
        assert list(archive.articles()) == []
    with open_archive(db_url) as archive:
        assert not archive.writable and list(archive.articles()) == []


def test_without_pandas_a_frame_says_what_to_install(
    filled: Archive, archive_config: ArchiveConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with open_archive(archive_config.db_url) as archive:
        with pytest.raises(PandasMissing) as raised:
            archive.search_frame("budget")
        message = str(raised.value)
        assert "pip install 'newsarchive[notebook]'" in message and "\n" not in message
        with pytest.raises(PandasMissing):
            archive.changes_frame()
        # Everything else works without it.
        assert [hit.url for hit in archive.search("budget", source="example")] == [BUDGET]


def _peak_while_reading(archive: Archive, **filters: str) -> tuple[int, int]:
    """Peak Python allocation while streaming versions (none kept), and how many there were."""
    tracemalloc.start()
    try:
        with open_archive(archive.config.db_url) as reader:
            rows = sum(1 for _ in reader.versions(**filters))
        return tracemalloc.get_traced_memory()[1], rows
    finally:
        tracemalloc.stop()


def test_iteration_streams_in_flat_memory(archive: Archive) -> None:
    bulk_fill(archive)
    whole, rows = _peak_while_reading(archive)
    quarter, quarter_rows = _peak_while_reading(archive, domain="quarter.example.com")
    assert (rows, quarter_rows) == (ROWS, ROWS // 4)
    text_bytes = ROWS * 2300
    # Memory follows the batch, not the selection: four times the rows, not four times the memory.
    assert whole < 2 * quarter, (whole, quarter)
    assert whole < text_bytes / 4, (whole, text_bytes)


def test_the_readme_example_runs(
    filled: Archive, archive_config: ArchiveConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pandas", reason="the notebook extra (pandas) is not installed")
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    (example,) = [
        block for block in re.findall(r"```python\n(.*?)```", readme, re.DOTALL) if "open_archive" in block
    ]
    # Only the names change: this archive's story and source stand for the README's.
    example = example.replace("https://example.com/2026/05/24/some-story.html", BUDGET)
    example = example.replace('"bbc-world"', '"example"')
    monkeypatch.setenv("NEWSARCHIVE_DB", archive_config.db_url)  # "yours": the archive the CLI would open
    monkeypatch.setenv("NEWSARCHIVE_HOME", str(archive_config.home))
    scope: dict[str, object] = {}
    exec(compile(example, "README.md", "exec"), scope)
    assert len(scope["hits"]) == 0 and list(scope["edits"].columns)[:2] == ["article_id", "version_id"]  # type: ignore[arg-type,attr-defined]
    assert scope["diff"].url == BUDGET and scope["version"].number == 2  # type: ignore[attr-defined]
