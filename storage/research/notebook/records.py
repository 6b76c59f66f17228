"""What a notebook gets back: frozen, typed records, never live ORM objects.

A record is a plain snapshot: it outlives the session that read it, cannot
write anything back by accident, and turns into a DataFrame row field for
field (newsarchive.storage.research.notebook.frames). Lists are tuples, so a
record cannot be changed in place either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsarchive.storage.models import Article, Capture, Version
from newsarchive.storage.research.changes import ChangeEntry
from newsarchive.storage.research.search.query import SearchHit
from newsarchive.storage.write.edit_kinds import kinds_from_column


@dataclass(frozen=True)
class ArticleRecord:
    """One story, keyed by its canonical URL; times are UTC."""

    id: int
    url: str
    domain: str
    source: str | None
    status: str  # live, gone, ...
    versions: int
    latest_version_id: int | None
    first_seen: datetime
    last_seen: datetime
    last_checked: datetime
    last_changed: datetime

    @classmethod
    def of(cls, article: Article) -> ArticleRecord:
        return cls(
            id=article.id,
            url=article.canonical_url,
            domain=article.domain,
            source=article.source,
            status=article.status,
            versions=article.version_count,
            latest_version_id=article.latest_version_id,
            first_seen=article.first_seen_at,
            last_seen=article.last_seen_at,
            last_checked=article.last_checked_at,
            last_changed=article.last_changed_at,
        )


@dataclass(frozen=True)
class VersionRecord:
    """One distinct state of an article's extracted content."""

    id: int
    article_id: int
    url: str
    number: int
    title: str | None
    text: str
    authors: tuple[str, ...]
    captions: tuple[dict[str, Any], ...]
    published: str | None  # as the publisher declared it (ISO text)
    modified: str | None
    language: str | None
    words: int
    first_seen: datetime  # when we first and last saw the page in this state
    last_seen: datetime
    captures: int
    changes: dict[str, Any] | None  # the summary of the edit from the previous version
    kinds: tuple[str, ...] | None  # kinds of edit; None: a first version, or not classified
    revert_of: int | None
    extractor: str
    extractor_version: str

    @classmethod
    def of(cls, version: Version, url: str) -> VersionRecord:
        kinds = kinds_from_column(version.edit_kinds)
        return cls(
            id=version.id,
            article_id=version.article_id,
            url=url,
            number=version.number,
            title=version.title,
            text=version.text or "",
            authors=tuple(version.authors or ()),
            captions=tuple(dict(caption) for caption in version.captions or ()),
            published=version.published,
            modified=version.modified,
            language=version.language,
            words=version.word_count,
            first_seen=version.first_seen_at,
            last_seen=version.last_seen_at,
            captures=version.capture_count,
            changes=dict(version.changes) if version.changes is not None else None,
            kinds=tuple(kinds) if kinds is not None else None,
            revert_of=version.revert_of,
            extractor=version.extractor,
            extractor_version=version.extractor_version,
        )


@dataclass(frozen=True)
class CaptureRecord:
    """One fetch, successful or not; the raw response is in the WARC file named here."""

    id: int
    article_id: int | None
    version_id: int | None
    requested_url: str
    final_url: str | None
    outcome: str  # newsarchive.storage.models.capture.Outcome values
    status_code: int | None
    fetched_at: datetime
    content_type: str | None
    body_size: int | None
    error: str | None
    page_kind: str | None  # article, or the kind of wall
    via: str
    ignore_robots: bool
    warc_file: str | None
    warc_offset: int | None
    warc_length: int | None
    body_sha256: str | None = None  # what the WARC record's body must hash to

    @classmethod
    def of(cls, capture: Capture) -> CaptureRecord:
        return cls(
            id=capture.id,
            article_id=capture.article_id,
            version_id=capture.version_id,
            requested_url=capture.requested_url,
            final_url=capture.final_url,
            outcome=str(capture.outcome),
            status_code=capture.status_code,
            fetched_at=capture.fetched_at,
            content_type=capture.content_type,
            body_size=capture.body_size,
            error=capture.error,
            page_kind=capture.page_kind,
            via=capture.via,
            ignore_robots=bool(capture.ignore_robots),
            warc_file=capture.warc_file,
            warc_offset=capture.warc_offset,
            warc_length=capture.warc_length,
            body_sha256=capture.body_sha256,
        )


@dataclass(frozen=True)
class DiffRun:
    """A stretch of text that is equal on both sides, or only in the old (delete) or new (insert)."""

    op: str  # "equal" | "delete" | "insert"
    text: str


def _runs(ops: list[dict[str, str]]) -> tuple[DiffRun, ...]:
    return tuple(DiffRun(op["op"], op["text"]) for op in ops)


@dataclass(frozen=True)
class DiffRecord:
    """What changed from one version of an article to another (newsarchive.storage.research.diffs)."""

    article_id: int
    url: str
    from_version: int
    to_version: int
    from_seen: datetime  # the old version was last seen then, the new one first seen then
    to_seen: datetime
    changed: bool
    title: tuple[DiffRun, ...]
    text: tuple[DiffRun, ...]
    captions: tuple[DiffRun, ...]
    values: dict[str, Any]  # short fields (authors, dates, language) as {"from": ..., "to": ...}
    summary: dict[str, Any] | None
    kinds: tuple[str, ...] | None
    notice: str | None  # set when a large field was compared by paragraphs or whole

    @classmethod
    def of(cls, diff: dict[str, Any], url: str, old: Version, new: Version) -> DiffRecord:
        kinds = kinds_from_column(new.edit_kinds) if new.number == old.number + 1 else None
        return cls(
            article_id=diff["article_id"],
            url=url,
            from_version=old.number,
            to_version=new.number,
            from_seen=old.last_seen_at,
            to_seen=new.first_seen_at,
            changed=bool(diff["changed"]),
            title=_runs(diff["title"]),
            text=_runs(diff["text"]),
            captions=_runs(diff["captions"]),
            values=dict(diff["values"]),
            summary=dict(diff["summary"]) if diff["summary"] is not None else None,
            kinds=tuple(kinds) if kinds is not None else None,
            notice=diff["notice"],
        )

    def inserted(self, field: str = "text") -> list[str]:
        """The runs of `field` (title, text, captions) only the new version has."""
        return [run.text for run in getattr(self, field) if run.op == "insert"]

    def deleted(self, field: str = "text") -> list[str]:
        """The runs of `field` only the old version had."""
        return [run.text for run in getattr(self, field) if run.op == "delete"]


@dataclass(frozen=True)
class HitRecord:
    """One search result, as the CLI's `search --json` gives it."""

    article_id: int
    version_id: int
    version: int
    versions: int
    url: str
    domain: str
    source: str | None
    title: str | None
    snippet: str
    published: str | None
    first_seen: datetime
    last_seen: datetime
    language: str | None
    authors: tuple[str, ...]
    score: float | None  # bm25 or ts_rank, higher is better; None when sorted by date

    @classmethod
    def of(cls, hit: SearchHit) -> HitRecord:
        return cls(
            article_id=hit.article_id,
            version_id=hit.version_id,
            version=hit.version,
            versions=hit.versions,
            url=hit.url,
            domain=hit.domain,
            source=hit.source,
            title=hit.title,
            snippet=hit.snippet,
            published=hit.published,
            first_seen=hit.first_seen,
            last_seen=hit.last_seen,
            language=hit.language,
            authors=tuple(hit.authors),
            score=hit.score,
        )


@dataclass(frozen=True)
class ChangeRecord:
    """One edit (a version after the first), as `changes --json` gives it."""

    article_id: int
    version_id: int
    url: str
    domain: str
    source: str | None
    version: int
    versions: int
    title: str | None
    old_title: str | None
    edited_after: datetime | None  # the edit happened between these two moments
    seen_at: datetime
    headline_changed: bool
    words_added: int
    words_removed: int
    captions_changed: bool
    dates_changed: bool
    note_appeared: bool
    kinds: tuple[str, ...] | None
    revert_of: int | None

    @classmethod
    def of(cls, entry: ChangeEntry) -> ChangeRecord:
        return cls(
            article_id=entry.article_id,
            version_id=entry.version_id,
            url=entry.url,
            domain=entry.domain,
            source=entry.source,
            version=entry.version,
            versions=entry.versions,
            title=entry.title,
            old_title=entry.old_title,
            edited_after=entry.edited_after,
            seen_at=entry.seen_at,
            headline_changed=entry.headline_changed,
            words_added=entry.words_added,
            words_removed=entry.words_removed,
            captions_changed=entry.captions_changed,
            dates_changed=entry.dates_changed,
            note_appeared=entry.note_appeared,
            kinds=tuple(entry.kinds) if entry.kinds is not None else None,
            revert_of=entry.revert_of,
        )
