"""The SQLite archive in Datasette: readable tables, the latest_versions view, full-text search."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.research.datasette import SETTINGS, metadata
from tests.helpers import cli_argv, newsarchive
from tests.research.conftest import BUDGET, MARKET, T0, capture
from tests.research.test_history_cli import run

datasette_app = pytest.importorskip(
    "datasette.app", reason="needs the datasette extra: pip install datasette"
)


@pytest.fixture
def sqlite_archive(tmp_path: Path) -> Archive:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    with Archive(config) as archive:
        capture(archive, BUDGET, title="Council approves budget", text="The vote was close.", warc=False)
        capture(
            archive, BUDGET, T0.replace(hour=12), title="Council rejects budget", text="The vote was close."
        )
        capture(archive, MARKET, title="Chip shares tumble", text="Investors fret over the budget.")
        yield archive


def get(db: Path, path: str) -> Any:
    async def fetch() -> Any:
        ds = datasette_app.Datasette([str(db)], metadata=metadata(db.stem))
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.json()

    return asyncio.run(fetch())


def test_latest_versions_view_is_searchable(sqlite_archive: Archive, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    data = get(db, "/archive/latest_versions.json?_search=budget&_shape=objects")
    assert {(row["url"], row["version"], row["title"]) for row in data["rows"]} == {
        (BUDGET, 2, "Council rejects budget"),
        (MARKET, 1, "Chip shares tumble"),
    }
    data = get(db, "/archive/latest_versions.json?_search=approves&_shape=objects")
    assert data["rows"] == []


def test_versions_table_searches_every_version(sqlite_archive: Archive, tmp_path: Path) -> None:
    data = get(tmp_path / "archive.db", "/archive/versions.json?_search=approves&_shape=objects")
    assert [(row["number"], row["title"]) for row in data["rows"]] == [(1, "Council approves budget")]


def test_machinery_is_hidden_and_canned_queries_run(sqlite_archive: Archive, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    tables = {t["name"]: t for t in get(db, "/archive.json")["tables"]}
    assert not tables["versions"]["hidden"] and tables["alembic_version"]["hidden"]
    assert tables["versions_fts"]["hidden"]
    rows = get(db, "/archive/headline_changes.json?source=&_shape=objects")["rows"]
    assert [(r["old_headline"], r["new_headline"]) for r in rows] == [
        ("Council approves budget", "Council rejects budget")
    ]


def test_datasette_metadata_command(sqlite_archive: Archive, tmp_path: Path) -> None:
    config = sqlite_archive.config
    out = tmp_path / "metadata.json"
    code, _, err = run(config, "datasette-metadata", "--out", str(out))
    assert code == 0 and f"-m {out}" in err
    assert (
        json.loads(out.read_text())["databases"]["archive"]["tables"]["versions"]["fts_table"]
        == "versions_fts"
    )


LONG = " ".join(f"word{i}" for i in range(400))  # about 3,000 characters


def test_long_text_is_cut_in_table_views_only(tmp_path: Path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    with Archive(config) as archive:
        capture(archive, BUDGET, title="Council approves budget", text=LONG)
    cut = SETTINGS["truncate_cells_html"]
    page = newsarchive(config, "datasette", "--get", "/archive/versions")
    assert page.returncode == 0, page.stderr
    assert LONG[:cut] + "\u2026" in page.stdout and LONG not in page.stdout
    data = newsarchive(config, "datasette", "--get", "/archive/versions.json?_shape=objects")
    assert data.returncode == 0 and json.loads(data.stdout)["rows"][0]["text"] == LONG
    # `datasette-metadata` names the same setting in the command it suggests.
    code, _, err = run(config, "datasette-metadata", "--out", str(tmp_path / "m.json"))
    assert code == 0 and f"--setting truncate_cells_html {cut}" in err


def test_datasette_command_names_its_extra_when_missing(tmp_path: Path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    hide = "import sys; sys.modules['datasette'] = None; "
    done = subprocess.run(
        [sys.executable, "-c", hide + "from newsarchive.crawler.cli import main; main()"]
        + cli_argv(config, "datasette")[3:],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "pip install 'newsarchive[datasette]'" in done.stderr
