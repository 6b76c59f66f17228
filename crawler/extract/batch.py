"""Extract many pages on every core, output in input order.

trafilatura keeps module-level state (an lxml parser, caches) and is not
thread-safe, so the work goes to processes. Sources are sent in windows so
that a long manifest never sits in memory whole, and ``Executor.map`` keeps
the results in input order.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

from newsarchive.crawler.extract.inputs import InputError, Source, read_source

Record = dict[str, Any]


def error_record(ident: str, url: str | None, message: str) -> Record:
    return {"id": ident, "url": url, "error": message}


def process(source: Source, fetched_at: datetime | None = None) -> Record:
    """Read and extract one source; any failure becomes an ``error`` record."""
    from newsarchive.crawler.extract.core import extract_article

    try:
        if source.is_remote and fetched_at is None:
            # A page fetched now has a fetch time: now.
            fetched_at = datetime.now(UTC)
        body, url = read_source(source)
        article = extract_article(body, url, fetched_at=fetched_at)
    except InputError as exc:
        return error_record(source.id, source.url, str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad page must not end a batch
        return error_record(source.id, source.url, f"extraction failed: {type(exc).__name__}: {exc}")
    return {"id": source.id, **article.to_dict()}


def _process_item(args: tuple[Source | InputError, datetime | None]) -> Record:
    item, fetched_at = args
    if isinstance(item, InputError):
        return error_record("", None, str(item))
    return process(item, fetched_at)


def extract_many(
    items: Iterable[Source | InputError],
    *,
    fetched_at: datetime | None = None,
    jobs: int | None = None,
) -> Iterator[Record]:
    """Records for ``items`` in the same order; ``jobs`` processes (default: all cores)."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    pairs = ((item, fetched_at) for item in items)
    if jobs == 1:
        yield from map(_process_item, pairs)
        return
    chunk = 8
    window = jobs * chunk * 4
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        while batch := list(itertools.islice(pairs, window)):
            if len(batch) == 1:
                yield _process_item(batch[0])
                continue
            size = max(1, min(chunk, len(batch) // (jobs * 2)))
            yield from pool.map(_process_item, batch, chunksize=size)
