"""Driving a re-extraction: articles in id order, their raw captures read back, extracted on every core.

Articles stream through a bounded window (the reader runs ahead of the
extraction pool by a few articles), and each is finished in id order: its
extractions awaited, its new reading compared with its versions and, if it
differs, its new generation of versions written (storage/write/rebuild.py)
in one transaction with the run's checkpoint. A run killed at any moment
resumes after the last committed article: nothing is re-extracted twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from newsarchive.crawler.crawl.pipeline.archived_reading import raw_body, refused
from newsarchive.crawler.crawl.pipeline.extraction import JOBS_PER_WORKER, ExtractionRunner
from newsarchive.crawler.reextract.checkpoint import RunCheckpoint
from newsarchive.crawler.reextract.diffs import sample_diff
from newsarchive.crawler.reextract.selection import ReextractFilter, article_ids
from newsarchive.crawler.reextract.summary import SAMPLE_SIZE, ArticleDiff, ReextractSummary
from newsarchive.storage.archive import Archive
from newsarchive.storage.fetch import ExtractedArticle, ExtractedContent
from newsarchive.storage.models import Article
from newsarchive.storage.write.rebuild import (
    ArchivedCapture,
    ArticleMoved,
    Plan,
    Rebuilt,
    Reread,
    apply,
    archived_captures,
    plan,
    reread,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReextractOptions:
    filters: ReextractFilter = ReextractFilter()
    workers: int | None = None  # None: one per core; 0: in this process
    dry_run: bool = False


class Skip(Exception):
    """This article is left as it was; the message says why (a summary reason)."""


@dataclass
class _Job:
    article_id: int
    captures: list[ArchivedCapture]
    # One extraction per distinct body: (capture, the extraction it shares).
    extractions: list[tuple[ArchivedCapture, Awaitable[ExtractedArticle]]] = field(default_factory=list)
    skip: str | None = None


class Reextractor:
    def __init__(
        self,
        archive: Archive,
        options: ReextractOptions,
        progress: Callable[[ReextractSummary], None] | None = None,
    ) -> None:
        self.archive = archive
        self.options = options
        self.progress = progress
        self.summary = ReextractSummary(dry_run=options.dry_run)
        self.extraction = ExtractionRunner(options.workers)
        self.checkpoint: RunCheckpoint | None = None

    @property
    def extractor_version(self) -> str:
        return self.extraction.extractor_version

    def run(self) -> ReextractSummary:
        try:
            asyncio.run(self._run())
        finally:
            self.extraction.close()
        return self.summary

    async def _run(self) -> None:
        service = self.archive.service
        after = 0
        if not self.options.dry_run:
            self.checkpoint = RunCheckpoint.open(service, self.options.filters.scope(self.extractor_version))
            if self.checkpoint.done:
                self.summary.already_done = True
                return
            after = self.checkpoint.after
        window: deque[_Job] = deque()
        limit = max(2, self.extraction.workers * JOBS_PER_WORKER * 2)
        ids = article_ids(self.archive.sessions, self.options.filters, self.extractor_version, after=after)
        for article_id in ids:
            window.append(self._job(article_id))
            while sum(len(job.extractions) for job in window) > limit and len(window) > 1:
                await self._finish(window.popleft())
        while window:
            await self._finish(window.popleft())
        if self.checkpoint is not None:
            self.checkpoint.finish(service)

    def _job(self, article_id: int) -> _Job:
        with self.archive.sessions() as session:
            job = _Job(article_id, archived_captures(session, article_id))
        seen: dict[str, Awaitable[ExtractedArticle]] = {}
        for capture in job.captures:
            shared = seen.get(capture.body_sha256 or "") if capture.body_sha256 else None
            if shared is not None:  # the same bytes as an earlier capture: one extraction
                self.summary.same_bytes += 1
                job.extractions.append((capture, shared))
                continue
            try:
                body = self._body(capture)
            except (OSError, ValueError) as exc:
                job.skip = "raw capture unreadable"
                log.warning("article %d: capture %d unreadable: %s", article_id, capture.capture_id, exc)
                break
            future = asyncio.ensure_future(
                self.extraction.extract(body, capture.url, capture.fetched_at, capture.content_type)
            )
            if capture.body_sha256:
                seen[capture.body_sha256] = future
            job.extractions.append((capture, future))
        return job

    def _body(self, capture: ArchivedCapture) -> bytes:
        return raw_body(Path(self.archive.config.warc_dir), capture)

    async def _finish(self, job: _Job) -> None:
        summary = self.summary
        summary.articles += 1
        try:
            reads = await self._reads(job)
            self._write(job.article_id, reads)
        except Skip as reason:
            summary.skipped[str(reason)] += 1
            self._advance(job.article_id)
        except ArticleMoved:
            # A crawl wrote to this article meanwhile: read it again, once.
            summary.articles -= 1
            retry = self._job(job.article_id)
            try:
                summary.articles += 1
                self._write(job.article_id, await self._reads(retry))
            except (Skip, ArticleMoved) as exc:
                summary.skipped[str(exc) if isinstance(exc, Skip) else "changed while re-extracted"] += 1
                self._advance(job.article_id)
        if self.progress is not None:
            self.progress(summary)

    async def _reads(self, job: _Job) -> list[Reread]:
        extracted: list[Reread] = []
        problem = job.skip
        for capture, extraction in job.extractions:
            try:
                article = await extraction
            except Exception as exc:  # an extractor bug costs one article, never the run
                log.warning("re-extraction of capture %d failed: %s", capture.capture_id, exc)
                problem = problem or "extraction failed"
                continue
            self.summary.captures += 1
            refusal = refused(article)
            if refusal is not None:
                # The old extractor found an article here; this one does not. Keep the
                # archive's reading rather than drop a version: a person should look.
                problem = problem or refusal
                continue
            runner = self.extraction
            extracted.append(
                reread(capture, ExtractedContent(article, runner.extractor, self.extractor_version))
            )
        if problem is not None:
            raise Skip(problem)
        if not extracted:
            raise Skip("no re-extractable capture")
        return extracted

    def _write(self, article_id: int, reads: list[Reread]) -> None:
        summary = self.summary
        with self.archive.sessions() as session:
            planned = plan(session, article_id, reads)
        if not planned.changed:
            summary.unchanged += 1
            self._advance(article_id)
            return
        summary.changed += 1
        if self.options.dry_run:
            self._sample(planned)
            return

        def work(session: Session) -> Rebuilt:
            done = apply(session, planned)
            if self.checkpoint is not None:
                self.checkpoint.save(session, article_id)
            return done

        # Counted once committed (in_transaction may run `work` again after a lost race).
        done = self.archive.service.in_transaction(work)
        summary.extractor_versions += done.extractor_versions
        summary.edit_versions += done.edit_versions
        summary.superseded += done.superseded

    def _advance(self, article_id: int) -> None:
        """An article done without a write: the checkpoint moves past it at once.

        One small transaction per article, so that a resumed run extracts no
        article twice; next to the article's extractions it costs little.
        """
        if self.checkpoint is None:
            return
        self.checkpoint.after = article_id
        self.checkpoint.flush(self.archive.service)

    def _sample(self, planned: Plan) -> None:
        if len(self.summary.sample) >= SAMPLE_SIZE:
            return
        with self.archive.sessions() as session:
            article = session.get(Article, planned.article_id)
            url = article.canonical_url if article is not None else str(planned.article_id)
        new_text = planned.segments[-1].first.content.article.text
        self.summary.sample.append(
            ArticleDiff(
                url,
                planned.old_versions,
                len(planned.segments),
                sample_diff(planned.old_latest_text, new_text),
            )
        )
