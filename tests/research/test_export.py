"""Exports: every format, the manifest, empty selections, and the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.research.export.formats import COLUMN_NAMES, export
from newsarchive.storage.research.export.manifest import verify_manifest
from newsarchive.storage.research.search.query import SearchQuery
from tests.research.conftest import BUDGET, FLOOD, MARKET, RECIPE
from tests.research.test_history_cli import run


def run_export(archive: Archive, fmt: str, out: Path, **options: object):
    with archive.sessions() as session:
        return export(session, SearchQuery(**options), fmt, out, warc_dir=archive.config.warc_dir)


def test_jsonl_latest_and_all_versions(filled: Archive, tmp_path: Path) -> None:
    result = run_export(filled, "jsonl", tmp_path / "latest.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "latest.jsonl").read_text().splitlines()]
    assert result.rows == 4 and [r["url"] for r in rows] == [BUDGET, FLOOD, MARKET, RECIPE]
    assert rows[0]["version"] == 2 and rows[0]["authors"] == ["Ana Ruiz"] and list(rows[0]) == COLUMN_NAMES
    assert rows[0]["first_seen"].endswith("+00:00")
    every = run_export(filled, "jsonl", tmp_path / "all.jsonl", all_versions=True, text="budget")
    rows = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert every.rows == 3 and [(r["url"], r["version"]) for r in rows] == [
        (BUDGET, 1),
        (BUDGET, 2),
        (MARKET, 1),
    ]


def test_csv_flattens_lists_and_json(filled: Archive, tmp_path: Path) -> None:
    run_export(filled, "csv", tmp_path / "x.csv", all_versions=True, domain="news.example.com")
    rows = list(csv.DictReader((tmp_path / "x.csv").open(encoding="utf-8")))
    assert [(r["url"], r["version"]) for r in rows] == [(BUDGET, "1"), (BUDGET, "2"), (FLOOD, "1")]
    assert rows[2]["authors"] == "Jo Park; Sam Lee"
    assert json.loads(rows[0]["captions"])[0]["credit"] == "Photo: Lee Kim"
    assert json.loads(rows[1]["changes"])["headline_changed"] is True


def test_parquet_is_typed(filled: Archive, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    run_export(filled, "parquet", tmp_path / "x.parquet", all_versions=True)
    table = pq.read_table(tmp_path / "x.parquet")
    assert table.num_rows == 5 and table.column_names == COLUMN_NAMES
    first = table.slice(0, 1).to_pylist()[0]
    assert first["captions"][0]["caption"] == "The council chamber in session"
    assert (
        first["authors"] == ["Ana Ruiz"]
        and str(table.schema.field("first_seen").type) == "timestamp[us, tz=UTC]"
    )


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_empty_selection_gives_a_valid_empty_file(filled: Archive, tmp_path: Path, fmt: str) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / f"none.{fmt}"
    result = run_export(filled, fmt, out, source="nobody")
    manifest = json.loads(result.manifest.read_text())
    assert result.rows == 0 and manifest["rows"] == 0 and out.exists()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        assert pq.read_table(out).num_rows == 0
    elif fmt == "csv":
        assert out.read_text().splitlines() == [",".join(COLUMN_NAMES)]
    else:
        assert out.read_text() == ""


def test_manifest_describes_and_checks_the_file(filled: Archive, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    result = run_export(filled, "jsonl", out, text="budget", source="example")
    assert result.manifest == tmp_path / "x.jsonl.manifest.json"
    manifest = json.loads(result.manifest.read_text())
    assert manifest["query"]["text"] == "budget" and manifest["query"]["source"] == "example"
    assert manifest["rows"] == 1 and manifest["files"][0]["name"] == "x.jsonl"
    assert manifest["software"]["name"] == "newsarchive" and manifest["created"]
    assert manifest["database"] in ("sqlite", "postgresql")
    assert verify_manifest(result.manifest) == []
    out.write_text(out.read_text() + "\n")
    assert verify_manifest(result.manifest) == ["x.jsonl: sha256 differs from the manifest"]


def test_export_command(filled: Archive, archive_config: ArchiveConfig, tmp_path: Path) -> None:
    out = tmp_path / "budget.jsonl"
    code, stdout, stderr = run(archive_config, "export", "budget", "--format", "jsonl", "--out", str(out))
    assert code == 0 and "wrote 2 rows" in stderr and stdout.strip().endswith("budget.jsonl.manifest.json")
    code, _, stderr = run(archive_config, "export", "zzzz", "--format", "csv", "--out", str(out))
    assert code == 0 and "nothing matched" in stderr
    code, _, stderr = run(
        archive_config, "export", "--source", "nobody", "--format", "csv", "--out", str(out)
    )
    assert code == 1 and "no source named 'nobody' in this archive (known: example, markets)" in stderr
    code, _, stderr = run(archive_config, "export", "--format", "csv", "--out", str(out), "--", "-x")
    assert code == 1 and "bad query: the query only excludes words" in stderr
    code, _, stderr = run(
        archive_config, "export", "x y", "--format", "warc", "--out", str(tmp_path / "a.warc")
    )
    assert code == 1 and "*.warc.gz" in stderr
