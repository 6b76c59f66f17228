"""Response and request models of the JSON API (they are also its OpenAPI documentation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorOut(BaseModel):
    detail: str = Field(examples=["no article with id 42"])


class EventOut(BaseModel):
    at: datetime
    kind: str = Field(description='"gone", "redirected_home" or "returned".')
    detail: str | None = None


class VersionOut(BaseModel):
    """One archived version with its article's context (the shape of `show --json`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "article_id": 1,
                    "version_id": 2,
                    "url": "https://news.example.com/2026/03/01/story.html",
                    "domain": "news.example.com",
                    "source": "example",
                    "status": "live",
                    "version": 2,
                    "versions": 2,
                    "title": "Council rejects budget",
                    "text": "The council rejected the budget on Monday.",
                    "authors": ["Ana Ruiz"],
                    "published": "2026-03-01",
                    "modified": None,
                    "language": "en",
                    "captions": [{"caption": "The council chamber", "credit": "Staff"}],
                    "first_seen": "2026-03-01T14:00:00+00:00",
                    "last_seen": "2026-03-02T09:00:00+00:00",
                    "changes": {"headline_changed": True, "words_added": 1, "words_removed": 1},
                }
            ]
        }
    )

    article_id: int
    version_id: int
    url: str
    domain: str
    source: str | None
    status: str = Field(description='"live" or "gone".')
    version: int = Field(description="Version number, 1 for the first.")
    versions: int = Field(description="How many versions the article has.")
    title: str | None
    text: str
    authors: list[str]
    published: str | None = Field(description="Publisher-declared, ISO 8601 as found.")
    modified: str | None = Field(description="Publisher-declared, ISO 8601 as found.")
    language: str | None
    sitename: str | None = None
    description: str | None = None
    captions: list[dict[str, Any]]
    images: list[str] = []
    flags: list[str] = []
    extractor: str | None = None
    extractor_version: str | None = None
    first_seen: datetime = Field(description="Observed: first capture with this content.")
    last_seen: datetime = Field(description="Observed: last capture with this content.")
    article_first_seen: datetime | None = None
    last_checked: datetime | None = None
    changes: dict[str, Any] | None = Field(description="What changed against the previous version.")
    kinds: list[str] | None = Field(
        None,
        description="Kinds of this edit: typo, wording, substantive, headline, byline, correction, "
        "live-update, revert, rewrite. Null for a first version or one not classified yet.",
    )
    revert_of: int | None = Field(None, description="The earlier version number a revert restores.")
    cause: str = Field(
        "edit",
        description="Why this version exists: 'edit' (the page changed) or 'extractor' "
        "(a re-extraction read the same captures anew; not the publisher's edit).",
    )
    superseded_at: datetime | None = Field(
        None, description="Set when a re-extraction replaced this reading (kept, no longer current)."
    )
    detected_language: str | None = Field(
        None, description="Detected from the text, only where the page declares no language."
    )


class HeadlineShownOut(BaseModel):
    title: str
    version: int
    seen_at: datetime


class HeadlineTestOut(BaseModel):
    """Headlines alternating on the article's URL (an A/B test), as the archive saw them."""

    started_at: datetime
    last_seen_at: datetime
    headlines: int = Field(description="Distinct headlines shown.")
    flips: int = Field(description="Switches back to a headline already shown.")
    versions: list[int] = Field(description="First and last version of the test.")
    shown: list[HeadlineShownOut]


class ClusterOut(BaseModel):
    """The article's story cluster: the same story elsewhere, and who had it first."""

    cluster_id: int
    size: int
    first_article_id: int
    first_domain: str
    first_source: str | None
    first_seen: datetime


class ClusterMemberOut(BaseModel):
    article_id: int
    url: str
    domain: str
    source: str | None
    first_seen: datetime
    similarity: float | None = Field(description="Estimated Jaccard similarity of word shingles.")
    first: bool = Field(description="The cluster's first-seen member.")


class SimilarOut(BaseModel):
    article_id: int
    url: str
    cluster: ClusterOut | None
    similar: list[ClusterMemberOut]


class ArticleOut(BaseModel):
    """An article: observed times, its latest version and its events."""

    article_id: int
    url: str
    domain: str
    source: str | None
    status: str
    versions: int
    first_seen: datetime
    last_seen: datetime
    last_checked: datetime
    last_changed: datetime
    latest: VersionOut
    events: list[EventOut]
    headline_tests: list[HeadlineTestOut] = []
    cluster: ClusterOut | None = None
    also_published_by: list[ClusterMemberOut] = Field(
        [], description="The earliest copy at each other outlet in the article's story cluster."
    )


class VersionSummaryOut(BaseModel):
    version_id: int
    version: int
    title: str | None
    first_seen: datetime
    last_seen: datetime
    captures: int
    words: int
    changes: dict[str, Any] | None
    kinds: list[str] | None = Field(
        None,
        description="Kinds of this edit: typo, wording, substantive, headline, byline, correction, "
        "live-update, revert, rewrite. Null for a first version or one not classified yet.",
    )
    revert_of: int | None = Field(None, description="The earlier version number a revert restores.")
    cause: str = Field(
        "edit",
        description="Why this version exists: 'edit' (the page changed) or 'extractor' "
        "(a re-extraction read the same captures anew; not the publisher's edit).",
    )
    superseded: bool = Field(False, description="A re-extraction replaced this reading (kept).")


class ChangeOut(BaseModel):
    """One edit: a version after the first, with what changed and its kinds."""

    article_id: int
    version_id: int
    url: str
    domain: str
    source: str | None
    version: int
    versions: int
    title: str | None
    old_title: str | None
    edited_after: datetime | None = Field(description="The previous version was last seen then ...")
    seen_at: datetime = Field(description="... and this one first seen then.")
    headline_changed: bool
    words_added: int
    words_removed: int
    captions_changed: bool
    dates_changed: bool
    note_appeared: bool
    kinds: list[str] | None = Field(description="Kinds of this edit; null when not classified yet.")
    revert_of: int | None = Field(description="The earlier version number a revert restores.")
    cause: str = Field(
        "edit",
        description="Why this version exists: 'edit' (the page changed) or 'extractor' "
        "(a re-extraction read the same captures anew; not the publisher's edit).",
    )


class ChangeListOut(BaseModel):
    changes: list[ChangeOut]


class VersionListOut(BaseModel):
    article_id: int
    url: str
    versions: list[VersionSummaryOut]


class DiffOpOut(BaseModel):
    op: str = Field(description='"equal", "delete" or "insert".')
    text: str


class FieldDiffOut(BaseModel):
    field: str = Field(description='"title", "text" or "captions".')
    changed: bool
    level: str = Field(
        default="words",
        description='"words"; "paragraphs" or "text" when the versions were too large to diff word by word.',
    )
    ops: list[DiffOpOut]


class ValueChangeOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: Any = Field(alias="from", serialization_alias="from")
    to: Any


class DiffOut(BaseModel):
    article_id: int
    url: str
    from_version: int
    to_version: int
    changed: bool
    summary: dict[str, Any] | None = Field(
        description="What changed (newsarchive.storage.write.versions.change_summary)."
    )
    values: dict[str, ValueChangeOut] = Field(
        description="Short fields that changed (authors, published, modified, language), before and after."
    )
    notice: str | None = Field(
        default=None, description="Set when a field was too large to diff word by word, saying what is shown."
    )
    fields: list[FieldDiffOut]


class SearchHitOut(BaseModel):
    article_id: int
    version_id: int
    version: int
    versions: int
    url: str
    domain: str
    source: str | None = None
    title: str | None = None
    snippet: str | None = None
    published: str | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    language: str | None = None
    authors: list[str] = []
    score: float | None = None
    detected_language: str | None = None
    cluster_id: int | None = None


class SearchOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total": 1,
                    "total_exact": True,
                    "limit": 20,
                    "offset": 0,
                    "next_cursor": None,
                    "ranked": None,
                    "hits": [
                        {
                            "article_id": 1,
                            "version_id": 2,
                            "version": 2,
                            "versions": 2,
                            "url": "https://news.example.com/2026/03/01/story.html",
                            "domain": "news.example.com",
                            "source": "example",
                            "title": "Council rejects budget",
                            "snippet": "The council rejected the budget on Monday.",
                            "published": "2026-03-01",
                            "first_seen": "2026-03-01T15:00:00+00:00",
                            "last_seen": "2026-03-02T09:00:00+00:00",
                            "language": "en",
                            "authors": ["Ana Ruiz"],
                            "score": 4.2,
                        }
                    ],
                }
            ]
        }
    )

    total: int = Field(description="Matches; when total_exact is false, more than this many match.")
    total_exact: bool = Field(
        description="False when counting stopped at the cap (10,000 on SQLite, 1,000 on PostgreSQL)."
    )
    limit: int
    offset: int
    next_cursor: str | None = Field(
        None, description="Pass as cursor for the next page; null on the last page."
    )
    ranked: int | None = Field(
        None,
        description="By relevance with more matches than this: only the newest this many were ranked "
        "(sort=date reaches every match); null when every match was ranked.",
    )
    hits: list[SearchHitOut]


class CaptureIn(BaseModel):
    url: str = Field(max_length=4096, examples=["https://news.example.com/2026/03/01/story.html"])


class CaptureOut(BaseModel):
    """What `newsarchive capture --json` reported for the URL."""

    outcome: str = Field(
        description="new_article, new_version, unchanged, not_modified, gone, failed, skipped, walled."
    )
    url: str
    capture_id: int | None = None
    article_id: int | None = None
    article_url: str | None = None
    version: int | None = None
    title: str | None = None
    reason: str | None = None


class CaptureErrorOut(BaseModel):
    detail: str = Field(examples=["refused: intranet.example resolves to a private address"])
    result: CaptureOut | None = None
