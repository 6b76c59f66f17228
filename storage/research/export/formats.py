"""Datasets out of the archive: JSON lines, CSV, Parquet (and WARC, in export_warc), with a manifest.

Everything streams: rows come from the database in `yield_per` batches
(a server-side cursor on PostgreSQL) as plain tuples, never ORM objects, and
are written as they come; Parquet is written one row group per batch. Memory
stays flat whatever the size of the selection.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from newsarchive.storage.models import Version
from newsarchive.storage.research.export.columns import (
    BATCH_ROWS,
    COLUMN_NAMES,
    COLUMNS,
    JSON_COLUMNS,
    LIST_COLUMNS,
    TIME_COLUMNS,
)
from newsarchive.storage.research.export.manifest import write_manifest
from newsarchive.storage.research.search.query import SearchQuery, select_versions
from newsarchive.storage.write.edit_kinds import kinds_from_column

FORMATS = ("jsonl", "csv", "parquet", "warc")


@dataclass
class ExportResult:
    path: Path
    manifest: Path
    rows: int
    detail: dict[str, Any]


def rows_statement(session: Session, query: SearchQuery) -> Select:
    """The selection's rows in a stable order (article, then version), without limit."""
    ids, _score, _date = select_versions(session, query)
    return ids.with_only_columns(*(column for _, column in COLUMNS)).order_by(
        Version.article_id, Version.number
    )


def iter_rows(session: Session, query: SearchQuery, batch: int = BATCH_ROWS) -> Iterator[dict[str, Any]]:
    stmt = rows_statement(session, query).execution_options(yield_per=batch)
    for row in session.execute(stmt):
        values = dict(zip(COLUMN_NAMES, row, strict=True))
        values["kinds"] = kinds_from_column(values["kinds"])  # stored "a,b"; exported as a list
        yield values


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready values: times as ISO strings."""
    return {k: (v.isoformat() if k in TIME_COLUMNS and v is not None else v) for k, v in row.items()}


def write_jsonl(rows: Iterator[dict[str, Any]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(_plain(row), ensure_ascii=False) + "\n")
            count += 1
    return count


def write_csv(rows: Iterator[dict[str, Any]], path: Path) -> int:
    """CSV for spreadsheets: lists joined with "; ", nested values as JSON text."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMN_NAMES)
        for row in rows:
            plain = _plain(row)
            for name in LIST_COLUMNS:
                plain[name] = "; ".join(plain[name] or [])
            for name in JSON_COLUMNS:
                plain[name] = json.dumps(plain[name], ensure_ascii=False) if plain[name] is not None else ""
            writer.writerow([plain[name] for name in COLUMN_NAMES])
            count += 1
    return count


def _writer(fmt: str) -> Callable[[Iterator[dict[str, Any]], Path], int]:
    if fmt == "parquet":
        from newsarchive.storage.research.export.parquet import write_parquet

        return write_parquet
    return {"jsonl": write_jsonl, "csv": write_csv}[fmt]


def export(
    session: Session, query: SearchQuery, fmt: str, out: Path, *, warc_dir: Path | None = None
) -> ExportResult:
    """Write the selection to `out` and its manifest to `out.manifest.json`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    detail: dict[str, Any] = {}
    if fmt == "warc":
        from newsarchive.storage.research.export.warc import write_warc

        if warc_dir is None:
            raise ValueError("a WARC export needs the archive's WARC directory")
        stats = write_warc(session, query, out, warc_dir)
        rows, detail = stats.records, stats.to_dict()
    else:
        rows = _writer(fmt)(iter_rows(session, query), out)
        detail["columns"] = COLUMN_NAMES
    manifest = write_manifest(out, fmt, query, rows, session.get_bind().dialect.name, detail)
    return ExportResult(out, manifest, rows, detail)
