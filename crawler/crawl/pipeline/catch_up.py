"""An article read by another extractor is brought to the current one before a capture is compared with it.

A crawl, revisit, capture or import compares each new reading with the
article's latest version. If an older extractor made that version, a
difference may be only the extractor's, and stored as it is it would look
like a publisher's edit. So, before a batch of captures is compared (and
outside its write transaction: this reads WARC records and extracts), every
article of the batch whose latest version another extractor read is
re-extracted exactly as `newsarchive reextract` does it, one article at a
time: its captures' raw bytes read back (crawler/crawl/pipeline/archived_reading.py), each
distinct body extracted once, and its versions rebuilt into a new
generation (storage/write/rebuild.py), committed in a transaction of its own.
Then the capture is compared with the current extractor's reading: the same
page adds a capture, a changed one an edit diffed against that reading.

An article that cannot be brought over (a raw capture unreadable, the
extractor failing or finding no article in one, a writer racing it) is left
as it was, with a warning, and not tried again in this process; the write
then records what the comparison honestly means
(storage/write/other_extractor.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.crawler.crawl.pipeline import extraction
from newsarchive.crawler.crawl.pipeline.archived_reading import raw_body, refused
from newsarchive.storage.archive import Archive
from newsarchive.storage.fetch import ExtractedContent, Fetch
from newsarchive.storage.models import Article, Version
from newsarchive.storage.reconnect import reconnecting
from newsarchive.storage.write.dedup import choose_article_url
from newsarchive.storage.write.rebuild import ArticleMoved, Reread, apply, archived_captures, plan, reread
from newsarchive.storage.write.service import ArchiveService

log = logging.getLogger(__name__)
_KEYS_PER_QUERY = 500  # well under SQLite's bound-parameter limit


class CatchUp:
    """The ArchiveService.catch_up of a process that extracts with `extraction` (installed by `install`)."""

    def __init__(self, sessions: sessionmaker[Session], service: ArchiveService, warc_dir: Path) -> None:
        self.sessions = sessions
        self.service = service
        self.warc_dir = warc_dir
        # (article, extractor version) already tried here: rebuilt, already equal, or left as it was.
        self._tried: set[tuple[int, str]] = set()
        self.rebuilt = 0

    def __call__(self, captures: Sequence[tuple[Fetch, ExtractedContent]]) -> None:
        current = extraction.ExtractionRunner.extractor_version
        for article_id in self._stale(captures, current):
            self._tried.add((article_id, current))
            problem = self.bring(article_id, current)
            if problem is not None:
                log.warning(
                    "article %d was read by another extractor and could not be re-read (%s): "
                    "its next version is compared with the old reading",
                    article_id,
                    problem,
                )

    @reconnecting  # only reads: run again on a fresh connection if a backend is killed under it
    def _stale(self, captures: Sequence[tuple[Fetch, ExtractedContent]], current: str) -> list[int]:
        """The articles of these captures whose latest version another extractor read, not yet tried."""
        keys: set[str] = set()
        for fetch, content in captures:
            # Only readings by the extractor this process runs: that is the one the article is brought to.
            if (content.article.kind or "article") != "article" or content.extractor_version != current:
                continue
            try:
                keys.add(
                    choose_article_url(fetch.final_url or fetch.requested_url, content.article.canonical_url)
                )
            except Exception:  # a bad URL fails inside the write transaction, where it is recorded
                continue
        wanted = sorted(keys)
        stale: list[int] = []
        with self.sessions() as session:
            for start in range(0, len(wanted), _KEYS_PER_QUERY):
                stale += session.scalars(
                    select(Article.id)
                    .join(Version, Version.id == Article.latest_version_id)
                    .where(
                        Article.canonical_url.in_(wanted[start : start + _KEYS_PER_QUERY]),
                        Version.extractor_version != current,
                    )
                ).all()
        return [article_id for article_id in stale if (article_id, current) not in self._tried]

    def bring(self, article_id: int, version: str) -> str | None:
        """Rebuild this article's versions as the current extractor reads them; why not, or None."""
        with self.sessions() as session:
            captures = archived_captures(session, article_id)
        reads: list[Reread] = []
        by_bytes: dict[str, ExtractedContent] = {}
        for capture in captures:
            content = by_bytes.get(capture.body_sha256) if capture.body_sha256 else None
            if content is None:
                try:
                    body = raw_body(self.warc_dir, capture)
                except (OSError, ValueError) as exc:
                    return f"raw capture {capture.capture_id} unreadable: {exc}"
                try:
                    article = extraction.extract_here(
                        body, capture.url, capture.fetched_at, capture.content_type
                    )
                except Exception as exc:  # an extractor bug costs this article its catch-up, nothing more
                    return f"extraction of capture {capture.capture_id} failed: {exc}"
                refusal = refused(article)
                if refusal is not None:
                    return refusal
                content = ExtractedContent(article, extraction.ExtractionRunner.extractor, version)
                if capture.body_sha256:
                    by_bytes[capture.body_sha256] = content
            reads.append(reread(capture, content))
        if not reads:
            return "no re-extractable capture"
        with self.sessions() as session:
            planned = plan(session, article_id, reads)
        if not planned.changed:
            return None  # the current extractor reads every capture as the archive does
        try:
            self.service.in_transaction(lambda session: apply(session, planned))
        except ArticleMoved:
            return "changed while re-extracted"
        self.rebuilt += 1
        log.info(
            "article %d re-extracted by %s before a new capture was compared with it", article_id, version
        )
        return None


def install(archive: Archive) -> CatchUp:
    """Have this archive's writes bring stale articles to the current extractor first."""
    catch_up = CatchUp(archive.sessions, archive.service, Path(archive.config.warc_dir))
    archive.service.catch_up = catch_up
    return catch_up
