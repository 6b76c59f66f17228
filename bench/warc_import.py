"""WARC import: readers (warcio, ours, FastWARC) and the whole import against the extraction ceiling.

Builds a CC-NEWS-shaped WARC from the evaluation pages (one gzip member per
record, a warcinfo record, then `response` records with the headers Common
Crawl's news crawler writes: WARC-Target-URI, WARC-Date, WARC-IP-Address,
WARC-Payload-Digest, WARC-Block-Digest, WARC-Identified-Payload-Type,
WARC-Warcinfo-ID), then measures, in one run on the same file:

1. reading every record's headers and payload with warcio, with our reader
   (crawler/warcin/reader.py: warcio plus offsets and damage checks), and
   with FastWARC when it is installed (`pip install fastwarc`);
2. plain trafilatura on the same pages on every core (the ceiling);
3. `newsarchive import` of the file into a fresh SQLite archive on every core.

It prints records/s, each reader's share of the import's time per record,
and the import as a ratio of the ceiling. Run by hand:

    NEWSARCHIVE_SHARED=/path/to/shared python bench/warc_import.py --records 2000
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import time
import uuid
from base64 import b32encode
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(ROOT))

from bench._extract import pool_rate  # noqa: E402


def _digest(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode()


def build_cc_news(path: Path, pages: list[bytes], count: int) -> list[Path]:
    """Write `count` response records (pages repeated, each copy made distinct); return the page files."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    start = datetime(2026, 11, 1, tzinfo=UTC)
    page_dir = path.parent / "pages"
    page_dir.mkdir(exist_ok=True)
    files = []
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.0")
        info = writer.create_warcinfo_record(
            path.name, {"software": "bench/warc_import.py", "isPartOf": "CC-NEWS", "operator": "bench"}
        )
        writer.write_record(info)
        info_id = info.rec_headers.get_header("WARC-Record-ID")
        for i in range(count):
            body = pages[i % len(pages)] + f"\n<!-- copy {i} -->\n".encode()
            url = f"https://news{i % 37}.example.com/{2026}/{i // 100:03d}/article-{i:06d}.html"
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={
                    "WARC-Date": (start + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "WARC-Record-ID": f"<urn:uuid:{uuid.uuid4()}>",
                    "WARC-IP-Address": "192.0.2.1",
                    "WARC-Identified-Payload-Type": "text/html",
                    "WARC-Warcinfo-ID": info_id,
                    "WARC-Payload-Digest": _digest(body),
                },
            )
            writer.write_record(record)
            if i < len(pages):
                page = page_dir / f"{i:05d}.html"
                page.write_bytes(body)
                files.append(page)
    return files


def read_warcio(path: Path) -> tuple[int, int]:
    from warcio.archiveiterator import ArchiveIterator

    records = size = 0
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                record.http_headers.get_header("Content-Type")
                size += len(record.content_stream().read())
            records += 1
    return records, size


def read_ours(path: Path) -> tuple[int, int]:
    from newsarchive.crawler.warcin.reader import Record, read_records

    records = size = 0
    for entry in read_records(path):
        if isinstance(entry, Record) and entry.rec_type == "response":
            size += len(entry.payload())
        records += 1
    return records, size


def read_fastwarc(path: Path) -> tuple[int, int]:
    from fastwarc import ArchiveIterator, WarcRecordType

    records = size = 0
    # The path itself (FastWARC opens it and detects gzip); no fsspec.
    for record in ArchiveIterator(str(path), parse_http=True, fsspec_args=False):
        if record.record_type == WarcRecordType.response:
            _ = record.http_content_type  # parsed, as an import reads it
            size += len(record.reader.read())
        records += 1
    return records, size


def timed(fn, path: Path, repeat: int) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    """Best of `repeat` runs (CPU time of this process: the machine is shared)."""
    best = float("inf")
    records = size = 0
    for _ in range(repeat):
        began = time.process_time()
        records, size = fn(path)
        best = min(best, time.process_time() - began)
    return best, records, size


def import_rate(path: Path, workers: int) -> tuple[float, dict[str, object]]:
    import json

    with tempfile.TemporaryDirectory() as home:
        db = f"sqlite:///{home}/archive.db"
        base = [sys.executable, "-m", "newsarchive.crawler.cli", "--home", home, "--db", db]
        subprocess.run([*base, "db", "upgrade"], check=True, capture_output=True)
        began = time.perf_counter()
        done = subprocess.run(
            [*base, "import", "--workers", str(workers), "--json", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        return time.perf_counter() - began, json.loads(done.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3, help="reader runs; the best is kept")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    load = os.getloadavg()
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(SHARED.glob("evaldata/*/pages/*.html.gz"))]
    if not pages:
        raise SystemExit(f"no pages under {SHARED}/evaldata/*/pages/ (set NEWSARCHIVE_SHARED)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "CC-NEWS-bench.warc.gz"
        files = build_cc_news(path, pages, args.records)
        print(
            f"{args.records} response records, {path.stat().st_size / 1e6:.1f} MB gzipped, "
            f"{len(files)} distinct pages; load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        readers = [("warcio", read_warcio), ("ours (warcio + checks)", read_ours)]
        try:
            import fastwarc  # noqa: F401

            readers.append(("FastWARC", read_fastwarc))
        except ImportError:
            print("FastWARC not installed: pip install fastwarc")
        rates: dict[str, float] = {}
        for name, fn in readers:
            seconds, records, size = timed(fn, path, args.repeat)
            rates[name] = records / seconds
            print(
                f"read  {name:<24} {records / seconds:>9.0f} records/s (CPU), {size / 1e6:.0f} MB of payload"
            )
        base = rates["warcio"]
        for name, rate in rates.items():
            print(f"      {name:<24} x{rate / base:.2f} against warcio")
        done, seconds, cpu = pool_rate(files * max(1, args.records // len(files) // 4), args.workers)
        ceiling = done / seconds
        print(
            f"plain trafilatura on {args.workers} processes: {ceiling:.1f} pages/s wall (the ceiling), "
            f"{1000 * cpu / done:.1f} ms CPU a page"
        )
        for name, reader_rate in rates.items():
            # CPU against CPU: what the machine's load does not change.
            print(
                f"      reading with {name:<24} costs {done / cpu / reader_rate:.1%} of a page's extraction CPU"
            )
        wall, summary = import_rate(path, args.workers)
        rate = args.records / wall
        print(
            f"import --workers {args.workers}: {rate:.1f} records/s wall ({wall:.1f} s), "
            f"{rate / ceiling:.0%} of the ceiling; summary new_articles={summary.get('new_articles')}"
        )
        for name, reader_rate in rates.items():
            print(
                f"      reading with {name:<24} is {rate / reader_rate:.1%} of the import's time per record"
            )
        load = os.getloadavg()
        print(f"load average after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
