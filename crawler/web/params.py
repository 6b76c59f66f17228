"""Search parameters, validated once for the JSON API and the search page alike."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from newsarchive.storage.research.search.bounds import check_day, check_moment, check_name
from newsarchive.storage.research.search.query import SearchQuery

MAX_LIMIT = 1000
# Far beyond any useful page, but inside every backend's integer range.
MAX_OFFSET = 1_000_000


def _blank_is_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


class SearchParams(BaseModel):
    """Query-string filters of GET /articles (and the search page)."""

    q: str | None = Field(
        None,
        max_length=500,
        description='Full-text query (words, "phrases", -excluded).',
        examples=["budget"],
    )
    source: str | None = Field(None, max_length=200, description="Source name from sources.toml.")
    domain: str | None = Field(None, max_length=255, description="Site domain.", examples=["example.com"])
    language: str | None = Field(None, max_length=20, description="Declared language.", examples=["en"])
    detected_language: str | None = Field(
        None, max_length=20, description="Language detected from the text (pages that declare none)."
    )
    any_language: str | None = Field(
        None, max_length=20, description="Declared language, or else the detected one."
    )
    cluster: int | None = Field(None, ge=1, le=2**31 - 1, description="Only articles in this story cluster.")
    author: str | None = Field(None, max_length=200, description="An author's name.")
    keyword: str | None = Field(None, max_length=200, description="A keyword the publisher declared.")
    section: str | None = Field(None, max_length=200, description="A section (feed category) declared.")
    published_from: date | None = Field(None, description="Declared publication date, from (inclusive).")
    published_to: date | None = Field(None, description="Declared publication date, to (inclusive).")
    captured_from: datetime | None = Field(None, description="Captured at or after (ISO 8601; UTC if naive).")
    captured_to: datetime | None = Field(None, description="Captured at or before (ISO 8601; UTC if naive).")
    changed: bool = Field(False, description="Only articles with more than one version.")
    all_versions: bool = Field(False, description="Match every version, not only the latest.")
    sort: Literal["relevance", "date"] = Field("relevance", description="Order of the hits.")
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="Hits per page.")
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description="Hits to skip (slow on deep pages; prefer cursor)."
    )
    cursor: str | None = Field(
        None,
        max_length=400,
        description="Where the page starts: next_cursor of the page before (keyset paging; offset must be 0).",
    )

    # The rules are the search's own (newsarchive.storage.research.search.bounds);
    # a BadQuery is a ValueError, so pydantic answers it as a 422.
    @field_validator("captured_from", "captured_to")
    @classmethod
    def _utc(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        # The archive stores aware UTC datetimes and refuses naive ones.
        return check_moment(info.field_name or "date", value)

    @field_validator("published_from", "published_to")
    @classmethod
    def _day(cls, value: date | None, info: ValidationInfo) -> date | None:
        return check_day(info.field_name or "date", value)

    @field_validator(
        "source", "domain", "language", "detected_language", "any_language", "author", "keyword", "section"
    )
    @classmethod
    def _name(cls, value: str | None, info: ValidationInfo) -> str | None:
        return check_name(info.field_name or "name", _blank_is_none(value))

    @field_validator("q", "cursor")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return _blank_is_none(value)

    @classmethod
    def from_form(cls, values: Mapping[str, str]) -> SearchParams:
        """From an HTML form, where an untouched field arrives as an empty string."""
        return cls.model_validate(
            {k: v for k, v in values.items() if v.strip() != "" and k in cls.model_fields}
        )

    def to_query(self) -> SearchQuery:
        return SearchQuery(
            text=self.q,
            all_versions=self.all_versions,
            source=self.source,
            domain=self.domain,
            language=self.language,
            detected_language=self.detected_language,
            any_language=self.any_language,
            cluster=self.cluster,
            author=self.author,
            keyword=self.keyword,
            section=self.section,
            published_from=self.published_from,
            published_to=self.published_to,
            captured_from=self.captured_from,
            captured_to=self.captured_to,
            changed=self.changed,
            sort=self.sort,
            limit=self.limit,
            offset=self.offset,
            cursor=self.cursor,
        )

    def as_form(self) -> dict[str, str]:
        """Non-default values as query-string pairs (pagination links keep the filters)."""
        out: dict[str, str] = {}
        for name, value in self.model_dump(exclude_defaults=True).items():
            if isinstance(value, bool):
                out[name] = "true" if value else "false"
            elif isinstance(value, date | datetime):
                out[name] = value.isoformat()
            else:
                out[name] = str(value)
        return out
