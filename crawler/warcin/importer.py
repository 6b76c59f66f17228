"""Driving an import: files in, records filtered, pages extracted on every core, captures written.

Records stream through a bounded window: the reader runs ahead of the
extraction pool by at most `window` pages, and results are written in file
order (so an article's captures reach the write path in capture order and a
checkpoint never passes a page that is not written yet). Memory stays flat
whatever the file size: a page's bytes live only while it is in the window.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from newsarchive.crawler.crawl.pipeline.catch_up import install as install_catch_up
from newsarchive.crawler.crawl.pipeline.extraction import JOBS_PER_WORKER, ExtractionRunner, extract_fields
from newsarchive.crawler.crawl.pipeline.page_rules import unusable_extraction
from newsarchive.crawler.warcin.copying import RecordCopier
from newsarchive.crawler.warcin.locations import with_length
from newsarchive.crawler.warcin.ordering import oldest_first
from newsarchive.crawler.warcin.reader import Damaged, NotAnArchive, Record, Truncated, read_records
from newsarchive.crawler.warcin.same_bytes import archived_match
from newsarchive.crawler.warcin.selection import (
    ImportFilter,
    declared_language,
    html_response,
    language_matches,
    record_kind,
)
from newsarchive.crawler.warcin.summary import ImportSummary
from newsarchive.crawler.warcin.writer import ImportWriter, file_state, mark_done
from newsarchive.storage.archive import Archive
from newsarchive.storage.fetch import ExtractedArticle, Fetch, select_headers
from newsarchive.storage.unwritable import ArchiveUnwritable, unwritable
from newsarchive.storage.warc.reading import find_original
from newsarchive.storage.warc.store import WarcLocation, read_response
from newsarchive.storage.write.dedup import sha256_bytes
from newsarchive.storage.write.service import ExtractedContent

log = logging.getLogger(__name__)
# Payload digests of response records remembered for revisit records (most recent kept).
MAX_REMEMBERED_PAYLOADS = 200_000
# The capture row's warc_file column holds at most this many characters.
MAX_PATH = 255


@dataclass(frozen=True)
class ImportOptions:
    filters: ImportFilter = ImportFilter()
    source: str | None = None
    copy: bool = False
    workers: int | None = None  # None: one per core; 0: in this process
    batch: int = 50

    def scope(self) -> str:
        """What this import selects, as a checkpoint key: another selection is another import."""
        f = self.filters
        described = json.dumps(
            [
                sorted(f.domains),
                sorted(f.hosts),
                f.url.pattern if f.url else None,
                f.since.isoformat() if f.since else None,
                f.until.isoformat() if f.until else None,
                sorted(f.languages),
                self.source,
                self.copy,
            ]
        )
        return hashlib.sha256(described.encode()).hexdigest()


@dataclass
class _Job:
    fetch: Fetch | None  # None: nothing to write (passed over, filtered, damaged)
    extraction: Awaitable[ExtractedArticle] | None
    end: Callable[[], int | None]  # the offset after this entry, once known
    record: Record | None = None  # whose length completes the fetch's WARC location
    check_language: bool = False  # no declared language: filter on the extracted one
    same_as: int | None = None  # the article whose latest version had these exact bytes (same_bytes.py)
    body: bytes = b""  # kept only with same_as, in case the writer must extract after all


class Importer:
    def __init__(
        self,
        archive: Archive,
        options: ImportOptions,
        progress: Callable[[ImportSummary], None] | None = None,
    ) -> None:
        self.archive = archive
        self.options = options
        self.summary = ImportSummary()
        self.progress = progress
        self.extraction = ExtractionRunner(options.workers)
        if archive.service.catch_up is None:  # no capture compared with another extractor's reading
            install_catch_up(archive)
        self.copier = RecordCopier(archive.config.warc_dir) if options.copy else None
        self.writer = ImportWriter(
            archive.service,
            self.summary.count,
            batch=options.batch,
            before_commit=self.copier.sync if self.copier else None,
            extract_now=self._extract_now,
        )
        self._payloads: OrderedDict[str, tuple[str, int]] = OrderedDict()

    def run(self, paths: list[Path]) -> ImportSummary:
        """Import these files; raises ArchiveUnwritable at the first write a full disk or a
        read-only archive refuses (what was committed stays, with its checkpoint)."""
        try:
            asyncio.run(self._run(paths))
        except Exception as exc:
            reason = unwritable(exc)
            if reason is None:
                raise
            raise ArchiveUnwritable(reason, _first_line(exc)) from exc
        finally:
            self.extraction.close()
            if self.copier is not None:
                with contextlib.suppress(OSError):  # a full disk already said so above
                    self.copier.close()
        return self.summary

    async def _run(self, paths: list[Path]) -> None:
        for path in oldest_first(paths, self.summary):
            await self._file(path)

    async def _file(self, path: Path) -> None:
        name = str(path.resolve())
        if len(name) > MAX_PATH and not self.options.copy:
            self.summary.files_refused.append(f"{path}: path longer than {MAX_PATH} characters (use --copy)")
            return
        stat = path.stat()
        state = file_state(self.archive.service, name, stat.st_size, stat.st_mtime_ns, self.options.scope())
        if state.done:
            self.summary.files_already_done += 1
            return
        self.summary.files += 1
        window: deque[_Job] = deque()
        limit = max(2, self.extraction.workers * JOBS_PER_WORKER * 2)
        try:
            for entry in read_records(path, state.offset):
                window.append(self._job(entry, str(path)))
                while len(window) > limit:
                    await self._finish(window.popleft(), state.checkpoint_id)
        except NotAnArchive as exc:
            self.summary.files_refused.append(f"{path}: not a WARC or ARC file ({exc})")
            return
        while window:
            await self._finish(window.popleft(), state.checkpoint_id)
        self.writer.flush()
        mark_done(self.archive.service, state.checkpoint_id)

    def _job(self, entry: Record | Damaged, path: str) -> _Job:
        summary = self.summary
        if isinstance(entry, Damaged):
            log.warning("%s: damaged record at offset %d: %s", path, entry.offset, entry.reason)
            summary.damage(path, entry.offset, entry.reason)
            return _Job(None, None, lambda: entry.resumed_at)
        summary.records += 1
        end = _end_of(entry)
        kind = record_kind(entry)
        if kind not in ("html", "revisit"):
            summary.passed_over[kind] += 1
            return _Job(None, None, end)
        filtered = self.options.filters.rejects(entry.url, entry.date)
        if filtered is not None:
            summary.filtered_out[filtered] += 1
            return _Job(None, None, end)
        if entry.date is None:
            summary.failed["record without a valid WARC-Date"] += 1
            return _Job(None, None, end)
        try:
            fetch, body = self._fetch(entry, kind)
        except Truncated as exc:
            summary.damage(str(entry.path), entry.offset, str(exc))
            return _Job(None, None, end)
        if fetch is None:
            return _Job(None, None, end)
        check_language = False
        wanted = self.options.filters.languages
        if wanted:
            header = next((v for k, v in entry.http_headers if k.lower() == "content-language"), None)
            declared = declared_language(header, body)
            if declared is not None and not language_matches(declared, wanted):
                summary.filtered_out["language"] += 1
                return _Job(None, None, end)
            check_language = declared is None  # known only once extracted
        summary.html += 1
        if not body.strip():
            fetch.error = "empty body"
            return _Job(fetch, None, end, entry)
        if not check_language:
            with self.archive.sessions() as session:
                same = archived_match(session, fetch.requested_url, fetch.body_sha256, fetch.fetched_at)
            if same is not None:  # bytes the archive already read: no extraction
                return _Job(fetch, None, end, entry, same_as=same, body=body)
        extraction = asyncio.ensure_future(
            self.extraction.extract(body, fetch.requested_url, fetch.fetched_at, fetch.content_type)
        )
        return _Job(fetch, extraction, end, entry, check_language)

    def _fetch(self, record: Record, kind: str) -> tuple[Fetch | None, bytes]:
        """The Fetch for an HTML response or a resolvable revisit; (None, b"") when passed over."""
        assert record.date is not None
        if kind == "revisit":
            body = self._revisited(record)
            if body is None:
                return None, b""
            location = self._remembered(record)
        else:
            body = record.payload()
            location = None
            digest = record.warc_headers.get("WARC-Payload-Digest")
            if digest:
                self._remember(digest, str(record.path.resolve()), record.offset)
        location = location or WarcLocation(str(record.path.resolve()), record.offset, -1)
        fetch = Fetch(
            requested_url=record.url,
            fetched_at=record.date,
            final_url=record.url,
            status_code=record.status,
            headers=select_headers(record.http_headers),
            content_type=record.content_type,
            body_sha256=sha256_bytes(body),
            body_size=len(body),
            warc=location,
            via="import",
            source=self.options.source,
        )
        if self.copier is not None:
            fetch.warc = self.copier.copy(record, body)
        return fetch, body

    def _revisited(self, record: Record) -> bytes | None:
        """The payload a revisit record refers to, if this run read it; else counted as skipped."""
        if html_response(record.status, record.content_type) != "html":
            self.summary.passed_over["revisit of a non-HTML response"] += 1
            return None
        original = self._remembered(record) or self._beside(record)
        if original is None:
            self.summary.skipped["revisit of a record not read in this run"] += 1
            return None
        return read_response(Path("/"), original).body

    def _beside(self, record: Record) -> WarcLocation | None:
        """The original of a revisit among the files beside it (a lean archive's own WARC directory)."""
        try:
            found = find_original(record.path.parent, list(record.warc_headers.items()))
        except ValueError:  # a profile without a payload (server-not-modified)
            return None
        return (
            WarcLocation(str(record.path.parent.resolve() / found.file), found.offset, -1) if found else None
        )

    def _remembered(self, record: Record) -> WarcLocation | None:
        found = self._payloads.get(record.warc_headers.get("WARC-Payload-Digest", ""))
        return WarcLocation(found[0], found[1], -1) if found else None

    def _remember(self, digest: str, path: str, offset: int) -> None:
        self._payloads[digest] = (path, offset)
        self._payloads.move_to_end(digest)
        if len(self._payloads) > MAX_REMEMBERED_PAYLOADS:
            self._payloads.popitem(last=False)

    async def _finish(self, job: _Job, checkpoint_id: int) -> None:
        if job.fetch is not None and job.same_as is not None:
            self.writer.add_same_bytes(with_length(job.fetch, job.record), job.same_as, job.body)
        elif job.fetch is not None:
            content = None
            if job.extraction is not None:
                content = await self._content(job)
            if job.check_language and not self._language_kept(content):
                self.summary.filtered_out["language"] += 1
                self.summary.html -= 1
            else:
                self.writer.add(with_length(job.fetch, job.record), content)
        end = job.end()
        if end is not None:
            self.writer.advance(checkpoint_id, end)
        if self.progress is not None:
            self.progress(self.summary)

    def _language_kept(self, content: ExtractedContent | None) -> bool:
        detected = content.article.language if content is not None else None
        return language_matches(detected, self.options.filters.languages)

    def _extract_now(self, fetch: Fetch, body: bytes) -> ExtractedContent | None:
        """In this process, for the rare page the writer finds it must extract after all."""
        try:
            article = extract_fields(body, fetch.requested_url, fetch.fetched_at, fetch.content_type)
        except Exception as exc:
            fetch.error = f"extraction failed: {type(exc).__name__}: {exc}"[:300]
            return None
        fetch.error = unusable_extraction(article)
        if fetch.error is not None:
            return None
        runner = self.extraction
        return ExtractedContent(article, runner.extractor, runner.extractor_version)

    async def _content(self, job: _Job) -> ExtractedContent | None:
        assert job.fetch is not None and job.extraction is not None
        try:
            article = await job.extraction
        except Exception as exc:  # an extractor bug costs one page, never the import
            log.warning("extraction failed for %s: %s", job.fetch.requested_url, exc)
            job.fetch.error = f"extraction failed: {type(exc).__name__}: {exc}"[:300]
            return None
        unusable = unusable_extraction(article)  # the crawl's rule (page_rules)
        if unusable is not None:
            job.fetch.error = unusable
            return None
        runner = self.extraction
        return ExtractedContent(article, runner.extractor, runner.extractor_version)


def _first_line(exc: BaseException) -> str:
    """The error's own words, without a file name (reasons never carry local paths)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    origin = getattr(exc, "orig", None) or exc
    text = str(origin).strip()
    return text.splitlines()[0][:200] if text else type(origin).__name__


def _end_of(record: Record) -> Callable[[], int | None]:
    return lambda: record.offset + record.length if record.length is not None else None
