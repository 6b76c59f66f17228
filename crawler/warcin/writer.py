"""Writing imported captures: the service's own record work, in batches, with the file checkpoint.

Each batch is one transaction holding the captures *and* the checkpoint
that says they are done, so an import killed at any moment resumes exactly
after the last committed batch: nothing is imported twice and nothing is
lost. If a batch fails as a whole, each capture is recorded again on its own
(as `record_many` does) and the checkpoint follows in its own transaction.

The order rule (docs/import.md): the write path compares a capture with the
article's *latest* version and numbers versions in arrival order, so a
capture older than what the archive already holds for its article would be
filed as a new version at the end of the history. Such a capture is put in
its place instead (storage/write/placement.py): one more capture of the
version current at its time, or a version of its own, numbered in time
order. Files given together are imported oldest first, so that placing is
the exception.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from newsarchive.crawler.warcin.same_bytes import archived_match
from newsarchive.storage.fetch import Fetch
from newsarchive.storage.models import Article, ImportCheckpoint, Version
from newsarchive.storage.unwritable import unwritable
from newsarchive.storage.write.dedup import choose_article_url, content_hash
from newsarchive.storage.write.placement import place_older
from newsarchive.storage.write.service import ArchiveService, CaptureResult, ExtractedContent

log = logging.getLogger(__name__)
DEFAULT_BATCH = 50
# The reason on an older capture put in its place in the history (not at its end).
PLACED = "placed earlier in the history"


@dataclass(frozen=True)
class Outcome:
    outcome: str  # a capture outcome, or "skipped"
    reason: str | None = None
    url: str = ""


@dataclass(frozen=True)
class _Item:
    fetch: Fetch
    content: ExtractedContent | None  # None: a failed page (fetch.error says why)
    same_as: int | None = None  # bytes of this article's latest version: recorded unextracted
    body: bytes = b""  # with same_as: extracted after all if the match no longer holds


class ImportWriter:
    """Queues captures and writes them, a batch per transaction, with the checkpoint."""

    def __init__(
        self,
        service: ArchiveService,
        on_outcome: Callable[[Outcome], None],
        *,
        batch: int = DEFAULT_BATCH,
        before_commit: Callable[[], None] | None = None,
        extract_now: Callable[[Fetch, bytes], ExtractedContent | None] | None = None,
    ) -> None:
        self.service = service
        self.extract_now = extract_now
        self.on_outcome = on_outcome
        self.batch = max(1, batch)
        self.before_commit = before_commit  # the --copy WARC store's sync
        self._items: list[_Item] = []
        self._checkpoint: tuple[int, int] | None = None  # (checkpoint id, offset done)

    def add(self, fetch: Fetch, content: ExtractedContent | None) -> None:
        """Queue a capture; it is written with the next checkpoint that covers its record."""
        self._items.append(_Item(fetch, content))

    def add_same_bytes(self, fetch: Fetch, article_id: int, body: bytes) -> None:
        """Queue a page whose bytes the article's latest version had (same_bytes.py): no extraction."""
        self._items.append(_Item(fetch, None, same_as=article_id, body=body))

    def advance(self, checkpoint_id: int, offset: int) -> None:
        """Every record before `offset` of this file has been queued (or passed over).

        Only here does a full batch go out, so a batch never holds a capture
        whose record its checkpoint does not cover.
        """
        self._checkpoint = (checkpoint_id, offset)
        if len(self._items) >= self.batch:
            self.flush()

    def flush(self) -> None:
        items, checkpoint = self._items, self._checkpoint
        self._items, self._checkpoint = [], None
        if not items and checkpoint is None:
            return
        items = self._settle(items)
        # Articles read by another extractor first re-read by this one (crawler/crawl/pipeline/catch_up.py).
        self.service.bring_to_current([(i.fetch, i.content) for i in items if i.content is not None])
        if self.before_commit is not None:
            self.before_commit()

        def work(session: Session) -> list[Outcome]:
            outcomes = [self._one(session, item) for item in items]
            if checkpoint is not None:
                _save(session, *checkpoint)
            return outcomes

        try:
            outcomes = self.service.in_transaction(work)
        except Exception as exc:  # one bad capture must not cost its batch: one transaction each
            if unwritable(exc) is not None:  # every capture would fail the same way: stop here
                raise
            log.info("import batch of %d fell back to one transaction each: %s", len(items), exc)
            outcomes = [self._alone(item) for item in items]
            if checkpoint is not None:
                self.service.in_transaction(lambda session: _save(session, *checkpoint))
        for outcome in outcomes:
            self.on_outcome(outcome)

    def _settle(self, items: list[_Item]) -> list[_Item]:
        """Identical-bytes pages whose match still holds; the others extracted here after all.

        The match was looked up when the page was read, before the pages ahead
        of it were written: a page of the same URL earlier in this batch, or a
        version written since, may have moved the article on.
        """
        settled: list[_Item] = []
        urls: set[str] = set()
        for item in items:
            url = item.fetch.requested_url
            if item.same_as is not None:
                with self.service.sessions() as session:
                    still = archived_match(session, url, item.fetch.body_sha256, item.fetch.fetched_at)
                if url in urls or still != item.same_as:
                    content = self.extract_now(item.fetch, item.body) if self.extract_now else None
                    item = _Item(item.fetch, content)
            if item.same_as is None:  # one more capture of the latest version moves nothing
                urls.add(url)
            settled.append(item)
        return settled

    def _alone(self, item: _Item) -> Outcome:
        try:
            return self.service.in_transaction(lambda session: self._one(session, item))
        except Exception as exc:
            if unwritable(exc) is not None:
                raise
            log.warning("could not record %s: %s", item.fetch.requested_url, exc)
            return Outcome("failed", f"database error: {type(exc).__name__}", item.fetch.requested_url)

    def _one(self, session: Session, item: _Item) -> Outcome:
        fetch = item.fetch
        if item.same_as is not None:
            return _outcome(self.service.same_body_work(fetch, item.same_as)(session))
        if item.content is None:
            result = self.service.failure_work(fetch)(session)
            return _outcome(result)
        if item.content.article.kind != "article":  # walled: never a version
            return _outcome(self.service.capture_work(fetch, item.content)(session))
        article = _older_than_history(session, fetch, item.content)
        if article is not None:  # its place is earlier in the history (storage/write/placement.py)
            placed = place_older(session, article, fetch, item.content)
            return Outcome(placed.outcome.value, PLACED, fetch.requested_url)
        return _outcome(self.service.capture_work(fetch, item.content)(session))


def _outcome(result: CaptureResult) -> Outcome:
    return Outcome(result.outcome, result.reason, result.url)


def _older_than_history(session: Session, fetch: Fetch, content: ExtractedContent) -> Article | None:
    """The article (locked) if this capture's place is before the end of its history, else None."""
    key = choose_article_url(fetch.final_url or fetch.requested_url, content.article.canonical_url)
    article = session.scalar(select(Article).where(Article.canonical_url == key).with_for_update())
    if article is None or fetch.fetched_at >= article.last_seen_at:
        return None
    latest = session.get(Version, article.latest_version_id) if article.latest_version_id else None
    if latest is None:
        return None
    if (
        latest.content_hash == content_hash(content.article.as_fields())
        and fetch.fetched_at >= latest.first_seen_at
    ):
        return None  # another capture of the latest version, inside its span
    return article


# -- checkpoints ----------------------------------------------------------------


@dataclass(frozen=True)
class FileState:
    checkpoint_id: int
    offset: int
    done: bool


def file_state(service: ArchiveService, path: str, size: int, mtime_ns: int, scope: str) -> FileState:
    """This file's checkpoint, created at offset 0 the first time the file is seen."""

    def work(session: Session) -> FileState:
        row = session.scalar(
            select(ImportCheckpoint).where(
                ImportCheckpoint.path == path,
                ImportCheckpoint.size == size,
                ImportCheckpoint.mtime_ns == mtime_ns,
                ImportCheckpoint.scope == scope,
            )
        )
        if row is None:
            row = ImportCheckpoint(
                path=path,
                size=size,
                mtime_ns=mtime_ns,
                scope=scope,
                offset=0,
                done=False,
                updated_at=_now(),
            )
            session.add(row)
            session.flush()
        return FileState(row.id, row.offset, row.done)

    return service.in_transaction(work)


def mark_done(service: ArchiveService, checkpoint_id: int) -> None:
    def work(session: Session) -> None:
        session.execute(
            update(ImportCheckpoint)
            .where(ImportCheckpoint.id == checkpoint_id)
            .values(done=True, updated_at=_now())
        )

    service.in_transaction(work)


def _save(session: Session, checkpoint_id: int, offset: int) -> None:
    session.execute(
        update(ImportCheckpoint)
        .where(ImportCheckpoint.id == checkpoint_id)
        .values(offset=offset, updated_at=_now())
    )


def _now() -> datetime:
    return datetime.now(UTC)
