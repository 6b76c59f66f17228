"""The archive's database work for a crawl, off the reactor thread and in batches.

A crawl records one capture per fetch. Done on the reactor thread, each
transaction (and, on SQLite, each commit's disk sync) stalls fetching; done
one commit per capture, commits dominate. Here one writer thread takes every
write queued since its last commit and records them together
(`ArchiveService.record_many`), so under load a batch grows by itself and
when the crawl is quiet a write is committed at once.

Before each commit the writer calls `before_commit` (the WARC store's sync):
every record the batch points at was written before its item reached the
pipeline, so after that sync no committed row can point at bytes a crash
would lose. Reads the pipeline needs before extracting (is this body already
archived?) run on a second thread so they never wait behind a commit.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.disk_full import unwritable
from newsarchive.storage.write.record_batch import Write
from newsarchive.storage.write.service import ArchiveService, CaptureResult

log = logging.getLogger(__name__)
T = TypeVar("T")
_STOP = object()


class ArchiveWriter:
    def __init__(
        self,
        service: ArchiveService,
        before_commit: Callable[[], None] | None = None,
        max_batch: int = defaults.NEWSARCHIVE_DB_BATCH,
    ) -> None:
        self.service = service
        self.before_commit = before_commit
        self.max_batch = max(1, max_batch)
        self.batches = 0  # commits made, for the crawl's stats
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="archive-read")
        self._thread = threading.Thread(target=self._run, name="archive-writer", daemon=True)
        self._thread.start()

    def write(self, write: Write) -> Future[CaptureResult]:
        future: Future[CaptureResult] = Future()
        self._queue.put((write, future))
        return future

    def read(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        return self._reader.submit(fn, *args)

    def close(self) -> None:
        """Commit what is queued, then stop both threads."""
        self._queue.put(_STOP)
        self._thread.join()
        self._reader.shutdown(wait=True)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch = [self._queue.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if _STOP in batch:
                stopping = True
                batch = [job for job in batch if job is not _STOP]
            if batch:
                self._commit(batch)

    def _commit(self, batch: list[tuple[Write, Future[CaptureResult]]]) -> None:
        try:
            if self.before_commit is not None:
                self.before_commit()
            results = self.service.record_many([write for write, _ in batch])
        except Exception as exc:  # the WARC sync failed: nothing may be committed
            if unwritable(exc):  # the pipeline stops the crawl and says so once
                log.debug("archive batch of %d not recorded: %s", len(batch), unwritable(exc))
            else:
                log.exception("archive batch of %d not recorded", len(batch))
            results = [exc] * len(batch)
        self.batches += 1
        for (_, future), result in zip(batch, results, strict=True):
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
