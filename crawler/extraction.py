"""Running the extractor from inside a crawl: in-process or in a process pool.

trafilatura is not thread-safe (it shares an lxml parser at module level)
and it is the crawl's bottleneck, so real crawls extract in worker
processes, one per core, while the reactor keeps fetching. A bound on
in-flight jobs keeps memory flat when fetching outruns extraction.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from crawler.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, extract_article


def extract_fields(body: bytes, url: str, fetched_at: datetime) -> dict[str, Any]:
    """Top-level (picklable) so worker processes can run it."""
    return extract_article(body, url, fetched_at=fetched_at).to_dict()


class ExtractionRunner:
    extractor = EXTRACTOR_NAME
    extractor_version = EXTRACTOR_VERSION

    def __init__(self, workers: int | None) -> None:
        self.workers = (os.cpu_count() or 1) if workers is None else max(0, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None

    async def extract(self, body: bytes, url: str, fetched_at: datetime) -> dict[str, Any]:
        if self.workers == 0:
            return extract_fields(body, url, fetched_at)
        if self._pool is None:
            # spawn, not fork: forking a process that runs a reactor and holds
            # database connections copies state the child must not touch.
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
            self._slots = asyncio.Semaphore(self.workers * 2)
        assert self._slots is not None
        async with self._slots:
            future = self._pool.submit(extract_fields, body, url, fetched_at)
            return await asyncio.wrap_future(future)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
