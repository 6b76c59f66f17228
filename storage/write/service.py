"""The archive's unit of work: record a capture and decide whether it is a new version.

Every call is one transaction. Either the capture row, the version (if any)
and the article's bookkeeping all land, or none of them do; nothing already
archived is ever modified except the counters and timestamps that describe it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.crawl_state.revisit_schedule import DEFAULT_SCHEDULE, RevisitStep, next_check
from newsarchive.storage.fetch import ExtractedContent, Fetch
from newsarchive.storage.models import Article, ArticleEvent, Capture, Version
from newsarchive.storage.models.capture import Outcome
from newsarchive.storage.reconnect import dropped_connection, reconnecting
from newsarchive.storage.stories.clusters import join_story
from newsarchive.storage.write.capture_rows import (
    SET_CAPTURE_VERSION,
    capture_row,
    capture_values,
    insert_new_article,
    insert_row,
    version_values,
)
from newsarchive.storage.write.declared import with_declared
from newsarchive.storage.write.dedup import (
    BadURL,
    canonical_url,
    choose_article_url,
    content_hash,
    domain_of,
)
from newsarchive.storage.write.edit_history import edit_values
from newsarchive.storage.write.other_extractor import other_extractor_values
from newsarchive.storage.write.record_batch import Write, record_many
from newsarchive.storage.write.results import CaptureResult
from newsarchive.storage.write.summaries import PreparedSummary, prepare_summaries, summary_for
from newsarchive.storage.write.walls import walled_work

__all__ = ["ArchiveService", "CaptureResult", "CatchUp", "ExtractedContent", "Write"]

log = logging.getLogger(__name__)
T = TypeVar("T")

# HTTP statuses that mean "this article is gone" on a URL we already archive.
GONE_STATUSES = (404, 410)
MAX_ATTEMPTS = 5

# Brings the articles of these captures to the extractor that read them, before
# they are compared (crawler/crawl/pipeline/catch_up.py; installed by the crawler).
CatchUp = Callable[[Sequence[tuple[Fetch, ExtractedContent]]], None]


class ArchiveService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        # Per-source revisit schedules (sources.toml `revisit`); others use the default.
        self.revisit_schedules: dict[str, Sequence[RevisitStep]] = {}
        self._stories_ready: bool | None = None  # the schema has story clusters (0015)?
        self.catch_up: CatchUp | None = None

    def _schedule(self, article: Article) -> Sequence[RevisitStep]:
        return self._source_schedule(article.source)

    def _has_story_tables(self, session: Session) -> bool:
        """Whether the schema has story clusters: asked once a service.

        An archive opened without migrating (an older schema) still records
        its captures; `newsarchive db cluster-stories` clusters them after
        the upgrade.
        """
        if self._stories_ready is None:
            self._stories_ready = inspect(session.connection()).has_table("story_bands")
        return self._stories_ready

    def _source_schedule(self, source: str | None) -> Sequence[RevisitStep]:
        return self.revisit_schedules.get(source or "", DEFAULT_SCHEDULE)

    # -- the transaction wrapper -------------------------------------------

    def in_transaction(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one transaction, retrying races and transient locks.

        Two writers may create the same article or version number at once;
        the unique constraints catch it and the loser simply retries, seeing
        the winner's row.
        """
        for attempt in range(1, MAX_ATTEMPTS + 1):
            session = self.sessions()
            try:
                with session.begin():
                    return work(session)
            except (IntegrityError, OperationalError) as exc:
                # A lock, a lost race or a dropped connection (a restarted or
                # killed PostgreSQL backend): the transaction rolled back whole,
                # so running it again is safe.
                transient = (
                    isinstance(exc, IntegrityError) or "locked" in str(exc).lower() or dropped_connection(exc)
                )
                if not transient or attempt == MAX_ATTEMPTS:
                    raise
                log.info("retrying archive transaction after %s (attempt %d)", type(exc).__name__, attempt)
            finally:
                session.close()
        raise AssertionError("unreachable")

    # -- writes --------------------------------------------------------------

    def bring_to_current(self, captures: Sequence[tuple[Fetch, ExtractedContent]]) -> None:
        """Before these captures are compared: their articles re-read by the extractor that read them.

        Outside any write transaction (it reads WARC records and extracts).
        Never fails a write: an article it cannot bring over is compared as
        it is, and capture_work records honestly what that comparison means.
        """
        if self.catch_up is None or not captures:
            return
        try:
            self.catch_up(captures)
        except Exception as exc:  # a capture is never lost to the catch-up
            if dropped_connection(exc):
                # A killed backend or a restarted server: the write that follows
                # reconnects; one line, no traceback (the catch-up is tried again
                # for these articles by the next process that sees them).
                log.warning(
                    "bringing %d capture(s)' articles to the current extractor stopped: "
                    "the database connection was lost; they are compared as they are",
                    len(captures),
                )
            else:
                log.exception(
                    "bringing %d capture(s)' articles to the current extractor failed", len(captures)
                )

    def record_capture(self, fetch: Fetch, content: ExtractedContent) -> CaptureResult:
        """A successful fetch with its extracted article.

        The change summary is computed before the transaction opens (it
        diffs two texts and may take a while); if the write itself fails
        (a lock held too long, a lost connection), the fetch is recorded as
        a failed capture instead, so no fetched page leaves without a row.
        """
        self.bring_to_current([(fetch, content)])
        try:
            prepared = prepare_summaries(self.sessions, [(fetch, content)])[0]
        except DBAPIError:  # the write below meets the same trouble and records it
            prepared = None
        try:
            return self.in_transaction(self.capture_work(fetch, content, prepared))
        except DBAPIError as exc:
            return self.record_write_failure(fetch, exc)

    def record_write_failure(self, fetch: Fetch, exc: DBAPIError) -> CaptureResult:
        """A fetch whose capture could not be written, recorded as failed in a fresh transaction.

        Raises the original error if even that cannot be written.
        """
        reason = f"archive write failed: {db_error_reason(exc)}"
        try:
            result = self.in_transaction(self.failure_work(dataclasses.replace(fetch, error=reason)))
        except DBAPIError:
            raise exc from None
        log.warning("%s: %s", fetch.requested_url, reason)
        return result

    def capture_work(
        self, fetch: Fetch, content: ExtractedContent, prepared: PreparedSummary | None = None
    ) -> Callable[[Session], CaptureResult]:
        kind = content.article.kind or "article"
        if kind != "article":  # a wall or junk page: a capture and an event, never a version
            return walled_work(
                fetch, kind, find=_article_for_url, schedule=self._source_schedule, result=CaptureResult
            )
        final_url = fetch.final_url or fetch.requested_url
        key = choose_article_url(final_url, content.article.canonical_url)
        digest = content_hash(content.article.as_fields())

        def work(session: Session) -> CaptureResult:
            # FOR UPDATE (a no-op on SQLite, which serialises writers itself): on
            # PostgreSQL two captures of one article would otherwise both read
            # capture_count/version_count and one increment would be lost.
            article = session.scalar(select(Article).where(Article.canonical_url == key).with_for_update())
            if article is None:
                # A race with another writer creating the same article ends in the
                # unique constraint, and in_transaction's retry finds its row.
                schedule = self._source_schedule(fetch.source)
                article_id, capture_id = insert_new_article(session, fetch, content, key, digest, schedule)
                if self._has_story_tables(session):
                    join_story(
                        session,
                        article_id,
                        content.article.text,
                        domain=domain_of(key),
                        source=fetch.source,
                        seen_at=fetch.fetched_at,
                    )
                return CaptureResult(
                    Outcome.NEW_ARTICLE,
                    fetch.requested_url,
                    capture_id,
                    article_id,
                    key,
                    1,
                    content.article.title,
                )
            if article.source is None and fetch.source:
                article.source = fetch.source
            # The capture and version rows go in as plain INSERT ... RETURNING:
            # the ORM's unit of work (a flush per row, then UPDATEs at commit)
            # was about half of the crawl's database CPU. The article stays an
            # ORM object: its bookkeeping (_touch) is flushed at commit.
            latest = session.get(Version, article.latest_version_id) if article.latest_version_id else None
            unchanged = latest is not None and latest.content_hash == digest
            capture_id = insert_row(
                session,
                Capture,
                capture_values(
                    fetch,
                    outcome=Outcome.UNCHANGED if unchanged else Outcome.NEW_VERSION,
                    article_id=article.id,
                    version_id=latest.id if unchanged and latest is not None else None,
                ),
            )
            _mark_returned(session, article, capture_id, fetch)
            if unchanged:
                assert latest is not None
                latest.last_seen_at = max(latest.last_seen_at, fetch.fetched_at)
                _count_capture(session, latest)
                outcome, number = Outcome.UNCHANGED, latest.number
            else:
                number = article.version_count + 1
                changes = summary_for(prepared, latest, content)
                version_id = insert_row(
                    session,
                    Version,
                    version_values(
                        article.id, number, digest, content, fetch.fetched_at, capture_id, latest, changes
                    )
                    | edit_values(
                        session, article.id, number, latest, content.article.as_fields(), fetch.fetched_at
                    )
                    | other_extractor_values(session, latest, fetch, content, changes),
                )
                session.connection().execute(
                    SET_CAPTURE_VERSION, {"capture_id": capture_id, "version_id": version_id}
                )
                article.version_count = number
                article.latest_version_id = version_id
                article.last_changed_at = fetch.fetched_at
                outcome = Outcome.NEW_VERSION
            _touch(article, fetch.fetched_at, seen=True, schedule=self._schedule(article))
            return CaptureResult(
                outcome, fetch.requested_url, capture_id, article.id, key, number, content.article.title
            )

        return with_declared(fetch.declared, fetch.fetched_at, work)

    def record_same_body(
        self, fetch: Fetch, article_id: int, outcome: Outcome = Outcome.UNCHANGED
    ) -> CaptureResult:
        """A fetch whose bytes equal the latest version's: no re-extraction needed."""
        return self.in_transaction(self.same_body_work(fetch, article_id, outcome))

    def same_body_work(
        self, fetch: Fetch, article_id: int, outcome: Outcome = Outcome.UNCHANGED
    ) -> Callable[[Session], CaptureResult]:
        def work(session: Session) -> CaptureResult:
            article = session.get(Article, article_id, with_for_update=True)  # see _capture_work
            if article is None or article.latest_version_id is None:
                raise LookupError(f"article {article_id} has no version to match")
            latest = session.get(Version, article.latest_version_id)
            assert latest is not None
            capture = capture_row(fetch, outcome=outcome, article_id=article.id)
            capture.version_id = latest.id
            session.add(capture)
            session.flush()
            # The same bytes, or a 304, from a page that had gone: it is back.
            _mark_returned(session, article, capture.id, fetch)
            latest.last_seen_at = max(latest.last_seen_at, fetch.fetched_at)
            _count_capture(session, latest)
            _touch(article, fetch.fetched_at, seen=True, schedule=self._schedule(article))
            return CaptureResult(
                outcome,
                fetch.requested_url,
                capture.id,
                article.id,
                article.canonical_url,
                latest.number,
                latest.title,
            )

        return with_declared(fetch.declared, fetch.fetched_at, work)

    def record_not_modified(self, fetch: Fetch, article_id: int) -> CaptureResult:
        """A 304 answer to a conditional revisit: the latest version still stands."""
        return self.record_same_body(fetch, article_id, outcome=Outcome.NOT_MODIFIED)

    def record_failure(self, fetch: Fetch) -> CaptureResult:
        """A fetch that produced no article: kept as a failed (or skipped) capture.

        A 404/410 on a URL we already archive is recorded as the article
        going away, an event in its history; nothing is deleted.
        """
        return self.in_transaction(self.failure_work(fetch))

    def failure_work(self, fetch: Fetch) -> Callable[[Session], CaptureResult]:
        reason = fetch.error or "failed"

        def work(session: Session) -> CaptureResult:
            article = _article_for_url(session, fetch.final_url or fetch.requested_url)
            if article is None and fetch.final_url:
                article = _article_for_url(session, fetch.requested_url)
            outcome = fetch.error_outcome
            if article is not None and fetch.status_code in GONE_STATUSES:
                outcome = Outcome.GONE
            capture = capture_row(fetch, outcome=outcome, article_id=article.id if article else None)
            capture.error = reason
            session.add(capture)
            session.flush()
            if article is not None:
                _touch(article, fetch.fetched_at, seen=False, schedule=self._schedule(article))
                if outcome == Outcome.GONE and article.status != "gone":
                    article.status = "gone"
                    session.add(
                        ArticleEvent(
                            article_id=article.id,
                            capture_id=capture.id,
                            at=fetch.fetched_at,
                            kind="gone",
                            detail=reason,
                        )
                    )
            return CaptureResult(
                outcome,
                fetch.requested_url,
                capture.id,
                article.id if article else None,
                article.canonical_url if article else None,
                reason=reason,
            )

        return work

    def record_redirected_home(self, fetch: Fetch) -> CaptureResult:
        """A revisit redirected to the site's home page: the article is gone."""
        return self.in_transaction(self.redirected_home_work(fetch))

    def redirected_home_work(self, fetch: Fetch) -> Callable[[Session], CaptureResult]:
        fetch.error = fetch.error or f"redirected to the home page {fetch.final_url}"

        def work(session: Session) -> CaptureResult:
            article = _article_for_url(session, fetch.requested_url)
            capture = capture_row(
                fetch,
                outcome=Outcome.GONE if article else Outcome.FAILED,
                article_id=article.id if article else None,
            )
            capture.error = fetch.error
            session.add(capture)
            session.flush()
            if article is not None:
                _touch(article, fetch.fetched_at, seen=False, schedule=self._schedule(article))
                if article.status != "gone":
                    article.status = "gone"
                    session.add(
                        ArticleEvent(
                            article_id=article.id,
                            capture_id=capture.id,
                            at=fetch.fetched_at,
                            kind="redirected_home",
                            detail=fetch.final_url,
                        )
                    )
            return CaptureResult(
                Outcome(capture.outcome),
                fetch.requested_url,
                capture.id,
                article.id if article else None,
                reason=fetch.error,
            )

        return work

    # -- batched writes (crawls) ---------------------------------------------

    def record_many(self, writes: Sequence[Write]) -> list[CaptureResult | Exception]:
        """Several writes in one transaction; see newsarchive.storage.write.record_batch."""
        return record_many(self, writes)

    # -- reads the crawler needs -----------------------------------------------

    @reconnecting
    def article_id_for_url(self, url: str) -> int | None:
        with self.sessions() as session:
            article = _article_for_url(session, url)
            return article.id if article is not None else None

    @reconnecting
    def latest_body_match(self, url: str, body_sha256: str) -> int | None:
        """The article whose latest version came from these exact bytes at this URL, if any.

        Lets a revisit skip extraction when nothing at all changed.
        """
        with self.sessions() as session:
            # A crawl asks this for every page and almost every page is new: one
            # lookup in the digest's index settles it without the URL lookups.
            if session.scalar(select(Capture.id).where(Capture.body_sha256 == body_sha256).limit(1)) is None:
                return None
            article = _article_for_url(session, url)
            if article is None or article.latest_version_id is None:
                return None
            match = session.scalar(
                select(Capture.id)
                .where(
                    Capture.article_id == article.id,
                    Capture.version_id == article.latest_version_id,
                    Capture.body_sha256 == body_sha256,
                )
                .limit(1)
            )
            return article.id if match is not None else None


def db_error_reason(exc: DBAPIError) -> str:
    """The database's own one-line message (no SQL, no parameters, no file paths)."""
    message = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
    return message[:200]


def _article_for_url(session: Session, url: str) -> Article | None:
    try:
        key = canonical_url(url)
    except BadURL:
        return None
    article = session.scalar(select(Article).where(Article.canonical_url == key))
    if article is not None:
        return article
    # The page may declare a canonical URL other than the one fetched: find the
    # article through an earlier capture of this exact URL.
    article_id = session.scalar(
        select(Capture.article_id)
        .where((Capture.final_url == url) | (Capture.requested_url == url), Capture.article_id.is_not(None))
        .order_by(Capture.id.desc())
        .limit(1)
    )
    return session.get(Article, article_id) if article_id else None


def _mark_returned(session: Session, article: Article, capture_id: int, fetch: Fetch) -> None:
    """A gone article answered again: live once more, with a "returned" event (every success path)."""
    if article.status == "live":
        return
    session.add(
        ArticleEvent(
            article_id=article.id,
            capture_id=capture_id,
            at=fetch.fetched_at,
            kind="returned",
            detail=f"HTTP {fetch.status_code}",
        )
    )
    article.status = "live"


def _count_capture(session: Session, version: Version) -> None:
    """One more capture of this version, as an increment in SQL.

    Python's `+= 1` would write back a count read earlier: on SQLite the
    driver runs a transaction's first SELECTs before BEGIN, so two processes
    recording captures of one version at once could both write n + 1.
    """
    version.capture_count = Version.capture_count + 1  # type: ignore[assignment]
    session.flush()


def _touch(
    article: Article, at: datetime, *, seen: bool, schedule: Sequence[RevisitStep] = DEFAULT_SCHEDULE
) -> None:
    article.last_checked_at = max(article.last_checked_at, at)
    if seen:
        article.last_seen_at = max(article.last_seen_at, at)
    article.next_check_at = next_check(article.first_seen_at, article.last_changed_at, at, schedule)
