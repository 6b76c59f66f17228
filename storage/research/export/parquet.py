"""Parquet export: one row group per batch, so memory holds one batch at most.

Typed columns a dataframe can use directly: lists stay lists, captions are a
list of structs, times are UTC timestamps. `changes` is JSON text (its keys
vary between first versions and edits).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from newsarchive.storage.research.export.columns import BATCH_ROWS, COLUMN_NAMES

CAPTION_FIELDS = ("caption", "credit", "src", "alt")


def schema() -> Any:
    import pyarrow as pa

    caption = pa.struct([(name, pa.string()) for name in CAPTION_FIELDS])
    when = pa.timestamp("us", tz="UTC")
    types = {
        "article_id": pa.int64(),
        "version_id": pa.int64(),
        "version": pa.int32(),
        "versions": pa.int32(),
        "word_count": pa.int32(),
        "authors": pa.list_(pa.string()),
        "flags": pa.list_(pa.string()),
        "kinds": pa.list_(pa.string()),
        "revert_of": pa.int32(),
        "cluster_id": pa.int64(),
        "captions": pa.list_(caption),
        "first_seen": when,
        "last_seen": when,
        "article_first_seen": when,
        "last_checked": when,
    }
    return pa.schema([(name, types.get(name, pa.string())) for name in COLUMN_NAMES])


def _prepare(row: dict[str, Any]) -> dict[str, Any]:
    row["captions"] = [
        {name: (str(c[name]) if c.get(name) is not None else None) for name in CAPTION_FIELDS}
        for c in row["captions"] or []
    ]
    for name in ("changes", "declared"):  # free-form records: JSON text in a string column
        row[name] = json.dumps(row[name], ensure_ascii=False) if row[name] is not None else None
    return row


def write_parquet(rows: Iterator[dict[str, Any]], path: Any, batch: int = BATCH_ROWS) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow_schema = schema()
    count = 0
    with pq.ParquetWriter(path, arrow_schema, compression="zstd") as writer:
        pending: list[dict[str, Any]] = []
        for row in rows:
            pending.append(_prepare(row))
            if len(pending) >= batch:
                writer.write_table(pa.Table.from_pylist(pending, schema=arrow_schema))
                count += len(pending)
                pending = []
        if pending or count == 0:
            # An empty selection still yields a valid file with the full schema.
            writer.write_table(pa.Table.from_pylist(pending, schema=arrow_schema))
            count += len(pending)
    return count
