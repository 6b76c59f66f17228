"""Exports stream: memory stays flat however many rows are exported.

The 16,000 rows here are bulk-inserted (the write path is tested elsewhere;
20,000 service transactions would only make this slow). The check is on
behaviour, not time: Python's peak allocation while exporting all rows is
no more than while exporting a quarter of them (it depends on the batch, not
the selection), it stays far below the data's size, and Parquet is written
in many row groups.
"""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, update

from newsarchive.storage.archive import Archive
from newsarchive.storage.models import Article, Version
from newsarchive.storage.research.export.formats import export
from newsarchive.storage.research.search.query import SearchQuery

ROWS = 16_000
TEXT = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 40  # ~2.3 kB a row, ~37 MB in all


def bulk_fill(archive: Archive) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with archive.sessions() as session, session.begin():
        session.execute(
            insert(Article),
            [
                {
                    "id": i,
                    "canonical_url": f"https://bulk.example.com/{i}",
                    "domain": "quarter.example.com" if i % 4 == 0 else "bulk.example.com",
                    "status": "live",
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "last_checked_at": now,
                    "last_changed_at": now,
                    "version_count": 1,
                }
                for i in range(1, ROWS + 1)
            ],
        )
        session.execute(
            insert(Version),
            [
                {
                    "id": i,
                    "article_id": i,
                    "number": 1,
                    "content_hash": f"{i:064d}",
                    "title": f"Bulk {i}",
                    "text": f"{TEXT} {i}",
                    "authors": ["A. Writer"],
                    "captions": [],
                    "images": [],
                    "flags": [],
                    "word_count": 320,
                    "extractor": "test",
                    "extractor_version": "1",
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "capture_count": 1,
                }
                for i in range(1, ROWS + 1)
            ],
        )
        session.execute(update(Article).values(latest_version_id=Article.id))


def peak_while_exporting(archive: Archive, query: SearchQuery, fmt: str, out: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        with archive.sessions() as session:
            result = export(session, query, fmt, out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result.rows, peak


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_export_memory_stays_flat(archive: Archive, tmp_path: Path, fmt: str) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    bulk_fill(archive)
    quarter_rows, quarter_peak = peak_while_exporting(
        archive, SearchQuery(domain="quarter.example.com"), fmt, tmp_path / f"quarter.{fmt}"
    )
    rows, peak = peak_while_exporting(archive, SearchQuery(), fmt, tmp_path / f"all.{fmt}")
    assert (quarter_rows, rows) == (ROWS // 4, ROWS)
    data_size = ROWS * len(TEXT)
    message = f"peak {peak / 1e6:.1f} MB for all rows, {quarter_peak / 1e6:.1f} MB for a quarter"
    # Four times the rows, (about) the same peak: memory follows the batch, not the selection.
    assert peak < quarter_peak * 1.5 + 2_000_000, message
    assert peak < data_size / 3, message
    if fmt == "parquet":
        import pyarrow.parquet as pq

        assert pq.ParquetFile(tmp_path / "all.parquet").metadata.num_row_groups >= ROWS // 2000
