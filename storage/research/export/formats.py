"""Datasets out of the archive: JSON lines, CSV, Parquet (WARC and WACZ in their modules), with a manifest.

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
from typing import IO, Any, BinaryIO, cast

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
from newsarchive.storage.research.export.manifest import manifest_path, manifest_text
from newsarchive.storage.research.export.output import (
    HashingWriter,
    TextSink,
    file_entry,
    is_stream,
    open_output,
    write_atomically,
)
from newsarchive.storage.research.search.query import SearchQuery, select_versions
from newsarchive.storage.write.edit_kinds import kinds_from_column

FORMATS = ("jsonl", "csv", "parquet", "warc", "wacz")
# Formats made of the raw captures, read from the WARC directory.
CAPTURE_FORMATS = ("warc", "wacz")


@dataclass
class ExportResult:
    path: Path | None  # None when written to a stream
    manifest: Path | None  # None when no manifest was written (a stream without --manifest)
    rows: int
    detail: dict[str, Any]
    bytes: int = 0
    sha256: str = ""


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


def write_jsonl(rows: Iterator[dict[str, Any]], out: HashingWriter) -> int:
    count = 0
    for row in rows:
        out.write((json.dumps(_plain(row), ensure_ascii=False) + "\n").encode("utf-8"))
        count += 1
    return count


def write_csv(rows: Iterator[dict[str, Any]], out: HashingWriter) -> int:
    """CSV for spreadsheets: lists joined with "; ", nested values as JSON text."""
    count = 0
    writer = csv.writer(TextSink(out))
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


def _writer(fmt: str) -> Callable[[Iterator[dict[str, Any]], HashingWriter], int]:
    if fmt == "parquet":
        from newsarchive.storage.research.export.parquet import write_parquet

        return write_parquet
    return {"jsonl": write_jsonl, "csv": write_csv}[fmt]


def export(
    session: Session,
    query: SearchQuery,
    fmt: str,
    out: Path | IO[bytes],
    *,
    warc_dir: Path | None = None,
    manifest: Path | None = None,
    name: str | None = None,
) -> ExportResult:
    """Write the selection to `out`, a path or an open binary stream, and its manifest.

    A regular file is replaced only once complete (newsarchive.storage.research.export.output);
    its manifest goes to `manifest`, by default `out.manifest.json` beside it. A stream, or a
    path that is not a regular file (/dev/stdout, a FIFO), gets a manifest only where
    `manifest` says. `name` is what the manifest calls the data (default: the file's name).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt in CAPTURE_FORMATS and warc_dir is None:
        raise ValueError(f"a {fmt.upper()} export needs the archive's WARC directory")
    if isinstance(out, Path | str):
        out = Path(out)
        if not out.parent.is_dir():
            raise FileNotFoundError(2, "no such directory", str(out.parent))
        if manifest is None and not is_stream(out):
            manifest = manifest_path(out)
        with open_output(out) as writer:
            rows, detail = _write(session, query, fmt, writer, warc_dir, name or out.name, scratch=out.parent)
            # Inside the block: the manifest is complete before the data file replaces the old one.
            manifest_text = _manifest(session, query, fmt, rows, detail, file_entry(name or out.name, writer))
    else:
        writer = HashingWriter(out)
        rows, detail = _write(session, query, fmt, writer, warc_dir, name or "stdout")
        writer.flush()
        manifest_text = _manifest(session, query, fmt, rows, detail, file_entry(name or "stdout", writer))
    if manifest is not None:
        write_atomically(manifest, manifest_text)
    return ExportResult(
        out if isinstance(out, Path) else None, manifest, rows, detail, writer.bytes, writer.sha256()
    )


def _write(
    session: Session,
    query: SearchQuery,
    fmt: str,
    writer: HashingWriter,
    warc_dir: Path | None,
    name: str,
    *,
    scratch: Path | None = None,
) -> tuple[int, dict[str, Any]]:
    if fmt == "wacz":
        from newsarchive.storage.research.export.wacz import write_wacz

        assert warc_dir is not None
        # The WACZ's WARC is assembled beside the output (same disk, not /tmp), then zipped.
        package = write_wacz(session, query, cast(IO[bytes], writer), warc_dir, scratch=scratch)
        return package.warc.records, package.to_dict()
    if fmt == "warc":
        from newsarchive.storage.research.export.warc import write_warc

        assert warc_dir is not None
        # HashingWriter is a write-only binary file in all but its class.
        stats = write_warc(session, query, cast(BinaryIO, writer), warc_dir, name=name)
        return stats.records, stats.to_dict()
    return _writer(fmt)(iter_rows(session, query), writer), {"columns": COLUMN_NAMES}


def _manifest(
    session: Session, query: SearchQuery, fmt: str, rows: int, detail: dict[str, Any], entry: dict[str, Any]
) -> str:
    return manifest_text(fmt, query, rows, session.get_bind().dialect.name, detail, [entry])
