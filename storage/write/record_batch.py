"""Recording many fetches in one transaction (crawls): `Write` and `record_many`.

A crawl records one capture per fetch; one transaction (and on SQLite one
commit) per capture would dominate its database time. Here a batch of writes
shares a transaction, and each write keeps exactly the meaning of its
`ArchiveService.record_*` call, including all-or-nothing per capture: if
anything in the batch fails, the batch is rolled back and each write is
recorded again on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.fetch import ExtractedContent, Fetch
from newsarchive.storage.models.capture import Outcome
from newsarchive.storage.write.results import CaptureResult
from newsarchive.storage.write.summaries import PreparedSummary, prepare_summaries

T = TypeVar("T")

log = logging.getLogger(__name__)


class Recorder(Protocol):
    """The transaction bodies a batch runs: ArchiveService's, named here so this module needs no import of it."""

    sessions: sessionmaker[Session]

    def in_transaction(self, work: Callable[[Session], T]) -> T: ...
    def capture_work(
        self, fetch: Fetch, content: ExtractedContent, prepared: PreparedSummary | None = ...
    ) -> Callable[[Session], CaptureResult]: ...
    def same_body_work(
        self, fetch: Fetch, article_id: int, outcome: Outcome = ...
    ) -> Callable[[Session], CaptureResult]: ...
    def failure_work(self, fetch: Fetch) -> Callable[[Session], CaptureResult]: ...
    def redirected_home_work(self, fetch: Fetch) -> Callable[[Session], CaptureResult]: ...
    def record_write_failure(self, fetch: Fetch, exc: DBAPIError) -> CaptureResult: ...
    def bring_to_current(self, captures: Sequence[tuple[Fetch, ExtractedContent]]) -> None: ...


@dataclass(frozen=True)
class Write:
    """One record_* call, kept as data so several can share a transaction."""

    kind: Literal["capture", "same_body", "not_modified", "failure", "redirected_home"]
    fetch: Fetch
    content: ExtractedContent | None = None  # for "capture"
    article_id: int | None = None  # for "same_body" and "not_modified"


def record_many(service: Recorder, writes: Sequence[Write]) -> list[CaptureResult | Exception]:
    """Record several fetches in one transaction: one commit (and fsync) for the lot.

    If anything in the batch fails (a race on a unique constraint, a lock, a
    bad row), the whole batch is rolled back and every write is recorded again
    on its own, retried as usual; so one bad write costs only itself. A
    write's exception is returned in its place, not raised.
    """
    if not writes:
        return []
    prepared = _prepare(service, writes)
    session = service.sessions()
    try:
        with session.begin():
            return [_work_for(service, w, p)(session) for w, p in zip(writes, prepared, strict=True)]
    except Exception as exc:  # fall back to one transaction each
        log.info("batch of %d writes fell back to one transaction each: %s", len(writes), exc)
    finally:
        session.close()
    results: list[CaptureResult | Exception] = []
    for write, summary in zip(writes, prepared, strict=True):
        try:
            results.append(service.in_transaction(_work_for(service, write, summary)))
        except DBAPIError as exc:  # the database refused the write: keep the fetch as a failure
            try:
                results.append(service.record_write_failure(write.fetch, exc))
            except Exception as again:  # returned in place of this write's result
                results.append(again)
        except Exception as exc:  # returned in place of this write's result
            results.append(exc)
    return results


def _prepare(service: Recorder, writes: Sequence[Write]) -> list[PreparedSummary | None]:
    """Change summaries for the batch's captures, computed before its transaction opens.

    First the articles read by another extractor are brought to the one that
    read these captures (ArchiveService.bring_to_current), so both the
    summaries and the transaction compare like with like.
    """
    captures = [(w.fetch, w.content) for w in writes if w.kind == "capture" and w.content is not None]
    service.bring_to_current(captures)  # before the summaries: they diff against the latest versions
    try:
        summaries = iter(prepare_summaries(service.sessions, captures))
    except DBAPIError as exc:  # the write will meet the same problem and record it
        log.info("change summaries not prepared: %s", exc)
        return [None] * len(writes)
    return [next(summaries) if w.kind == "capture" and w.content is not None else None for w in writes]


def _work_for(
    service: Recorder, write: Write, prepared: PreparedSummary | None = None
) -> Callable[[Session], CaptureResult]:
    """The transaction body of the record_* call this write stands for."""
    if write.kind == "capture":
        assert write.content is not None
        return service.capture_work(write.fetch, write.content, prepared)
    if write.kind in ("same_body", "not_modified"):
        assert write.article_id is not None
        outcome = Outcome.NOT_MODIFIED if write.kind == "not_modified" else Outcome.UNCHANGED
        return service.same_body_work(write.fetch, write.article_id, outcome)
    if write.kind == "failure":
        return service.failure_work(write.fetch)
    if write.kind == "redirected_home":
        return service.redirected_home_work(write.fetch)
    raise ValueError(f"unknown write kind {write.kind!r}")
