"""The order files are imported in: oldest first, so captures reach the archive in time order.

See the order rule in newsarchive.crawler.warcin.writer and docs/import.md.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from newsarchive.crawler.warcin.reader import Damaged, NotAnArchive, Record, read_records
from newsarchive.crawler.warcin.summary import ImportSummary


def oldest_first(paths: list[Path], summary: ImportSummary) -> list[Path]:
    """Files ordered by their first record's WARC-Date, so captures reach the archive in time order."""
    dated: list[tuple[datetime | str, int, Path]] = []
    for index, path in enumerate(paths):
        if not path.is_file():
            summary.files_refused.append(f"{path}: no such file")
            continue
        first = _first_date(path)
        if isinstance(first, NotAnArchive):
            summary.files_refused.append(f"{path}: not a WARC or ARC file ({first})")
            continue
        dated.append((first.isoformat() if first else "", index, path))
    return [path for *_key, path in sorted(dated, key=lambda item: (str(item[0]), item[1]))]


def _first_date(path: Path) -> datetime | None | NotAnArchive:
    try:
        for entry in read_records(path):
            if isinstance(entry, Record) and entry.rec_type in ("response", "revisit") and entry.date:
                return entry.date
            if isinstance(entry, Damaged):
                return None
    except NotAnArchive as exc:
        return exc
    except OSError as exc:
        return NotAnArchive(str(exc))
    return None
