"""The typed result of extracting one news page.

This is the contract between the extractor and everything downstream (the
archive, the `newsarchive extract` JSON Lines output, the quality benchmark).
Field names are the JSON keys; keep them stable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Caption:
    """An image caption as the publisher printed it, with its credit apart."""

    caption: str
    credit: str | None = None
    src: str | None = None
    alt: str | None = None


@dataclass(frozen=True)
class Article:
    url: str | None
    title: str | None
    text: str
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601 date or datetime, as declared by the publisher
    modified: str | None = None
    language: str | None = None  # as the page declares it (BCP 47)
    # Detected from the text, only where the page declares no language (language.py).
    detected_language: str | None = None
    sitename: str | None = None
    description: str | None = None
    captions: list[Caption] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # e.g. "paywall", "consent-wall", "truncated"
    # rel=canonical or og:url as found on the page, made absolute; the archive
    # decides whether to trust it (same site only).
    canonical_url: str | None = None
    # What the page is: "article", or the wall, junk or listing served in its place
    # (newsarchive.crawler.extract.walls.KINDS); the archive never makes a
    # version of anything but an article.
    kind: str = "article"

    @property
    def is_article(self) -> bool:
        """Whether the page is an article; when not, ``kind`` is the reason (a listing, a wall, junk)."""
        return self.kind == "article"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
