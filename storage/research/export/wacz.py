"""WACZ export: a search's captures as one package that ReplayWeb.page and pywb open.

A WACZ (Web Archive Collection Zipped, format 1.1.1) is a ZIP holding:

    archive/data.warc.gz        the raw records (newsarchive.storage.research.export.warc:
                                 each capture's response or revisit record, its request record,
                                 and the original of every revisit), copied byte for byte
    indexes/index.cdx            the sorted CDXJ index of that file (newsarchive.storage.warc.cdxj),
                                 named as py-wacz names it and as pywb's WACZ import looks for it
    pages/pages.jsonl            one entry per capture: URL, capture time, headline
    datapackage.json             every file above with its sha256 and size, wacz_version, created
    datapackage-digest.json      the sha256 of datapackage.json

Every member is stored uncompressed, as the format asks (the WARC records are
gzipped already), so a replayer reads a record by its offset without
unpacking anything. The WARC is assembled in a scratch file first (the index
is made from it), then streamed into the ZIP, hashing as it goes; the index
is sorted in bounded runs spilled to scratch files. Memory stays flat, and
the output is a stream: `export()` replaces a regular file only once the
package is complete (newsarchive.storage.research.export.output).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsarchive.storage.models import Capture, Version
from newsarchive.storage.research.export.manifest import software_version
from newsarchive.storage.research.export.warc import WarcExportStats, write_warc
from newsarchive.storage.research.search.query import SearchQuery, select_versions
from newsarchive.storage.warc.cdxj import cdxj_line
from newsarchive.storage.warc.check import member_end

WACZ_VERSION = "1.1.1"
WARC_PATH = "archive/data.warc.gz"
INDEX_PATH = "indexes/index.cdx"
PAGES_PATH = "pages/pages.jsonl"
SORT_RUN_LINES = 100_000  # index lines sorted in memory at a time
_BLOCK = 1 << 20


@dataclass
class WaczStats:
    warc: WarcExportStats
    pages: int = 0
    index_lines: int = 0
    resources: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.warc.to_dict(), "pages": self.pages, "index_lines": self.index_lines}


def write_wacz(
    session: Session,
    query: SearchQuery,
    out: IO[bytes],
    warc_dir: Path,
    *,
    scratch: Path | None = None,
    title: str | None = None,
) -> WaczStats:
    """Write the WACZ of the selection's captures to `out` (a binary stream; need not seek)."""
    created = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".newsarchive-wacz-") as work:
        warc_path = Path(work) / "data.warc.gz"
        with warc_path.open("wb") as handle:
            warc_stats = write_warc(session, query, handle, warc_dir, name="data.warc.gz")
        stats = WaczStats(warc_stats)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as package:
            member = _Member(package, created)
            with warc_path.open("rb") as handle:
                stats.resources.append(member.write(WARC_PATH, iter(lambda: handle.read(_BLOCK), b"")))
            lines = _sorted(_index_lines(warc_path), Path(work))
            index = member.write(INDEX_PATH, _counted(lines, stats, "index_lines"))
            stats.resources.append(index)
            pages = _counted(_page_lines(session, query, set(warc_stats.missing)), stats, "pages")
            stats.resources.append(member.write(PAGES_PATH, pages))
            stats.pages -= 1  # the format's header line is not a page
            datapackage = _datapackage(stats.resources, created, title or _title(query))
            member.write("datapackage.json", [datapackage])
            digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(datapackage).hexdigest()}
            member.write("datapackage-digest.json", [json.dumps(digest, indent=2).encode()])
    return stats


class _Member:
    """Writes stored (uncompressed) ZIP members, hashing each as it goes."""

    def __init__(self, package: zipfile.ZipFile, created: datetime) -> None:
        self.package = package
        self.date_time = created.timetuple()[:6]

    def write(self, path: str, chunks: Iterable[bytes]) -> dict[str, Any]:
        info = zipfile.ZipInfo(path, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        digest, size = hashlib.sha256(), 0
        with self.package.open(info, "w", force_zip64=True) as entry:
            for chunk in chunks:
                entry.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        return {"name": Path(path).name, "path": path, "hash": "sha256:" + digest.hexdigest(), "bytes": size}


def _counted(lines: Iterable[str], stats: WaczStats, attribute: str) -> Iterator[bytes]:
    for line in lines:
        setattr(stats, attribute, getattr(stats, attribute) + 1)
        yield (line + "\n").encode("utf-8")


def _index_lines(warc_path: Path) -> Iterator[str]:
    name = Path(WARC_PATH).name
    with warc_path.open("rb") as handle:
        size = warc_path.stat().st_size
        offset = 0
        while offset < size:
            end, problem = member_end(handle, offset)
            if problem:  # our own copy, written a moment ago: a bad member is a bug, not input
                raise ValueError(f"the WACZ's WARC has an unreadable record at {offset}: {problem}")
            handle.seek(offset)
            line = cdxj_line(handle.read(end - offset), offset, name)
            if line is not None:
                yield line
            offset = end


def _sorted(lines: Iterable[str], work: Path) -> Iterator[str]:
    """The lines in order, sorting runs of SORT_RUN_LINES in memory and merging them from disk."""
    runs: list[Path] = []
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= SORT_RUN_LINES:
            runs.append(_spill(sorted(batch), work, len(runs)))
            batch = []
    batch.sort()
    if not runs:
        yield from batch
        return
    with ExitStack() as stack:
        files = [stack.enter_context(path.open(encoding="utf-8")) for path in runs]
        yield from heapq.merge(*((line.rstrip("\n") for line in f) for f in files), batch)


def _spill(lines: list[str], work: Path, number: int) -> Path:
    path = work / f"index-run-{number}.cdxj"
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(line + "\n" for line in lines)
    return path


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _page_lines(session: Session, query: SearchQuery, missing: set[str]) -> Iterator[str]:
    """pages.jsonl: the format header, then one entry per capture copied (its URL as recorded, its time).

    `missing` holds the "file:offset" of captures whose record could not be copied: no page
    may point at a record the package does not hold.
    """
    yield json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Captures"})
    ids, _score, _date = select_versions(session, query)
    stmt = (
        select(
            Capture.id,
            Capture.final_url,
            Capture.requested_url,
            Capture.fetched_at,
            Version.title,
            Capture.warc_file,
            Capture.warc_offset,
        )
        .join(Version, Version.id == Capture.version_id)
        .where(Capture.version_id.in_(ids.scalar_subquery()), Capture.warc_file.is_not(None))
        .order_by(Capture.fetched_at, Capture.id)
        .execution_options(yield_per=1000)
    )
    for capture_id, final_url, requested_url, fetched_at, title, warc_file, offset in session.execute(stmt):
        if f"{warc_file}:{offset}" in missing:
            continue
        page = {
            "id": f"capture-{capture_id}",
            "url": final_url or requested_url,
            "ts": _warc_date(fetched_at),
        }
        if title:
            page["title"] = title
        yield json.dumps(page, ensure_ascii=False)


def _title(query: SearchQuery) -> str:
    asked = {
        k: str(v)
        for k, v in vars(query).items()
        if v not in (None, False, [], ()) and k not in ("limit", "offset")
    }
    return "newsarchive export" + (": " + json.dumps(asked, ensure_ascii=False) if asked else "")


def _datapackage(resources: list[dict[str, Any]], created: datetime, title: str) -> bytes:
    package = {
        "profile": "data-package",
        "resources": resources,
        "wacz_version": WACZ_VERSION,
        "title": title,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": f"newsarchive {software_version()}",
    }
    return json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
