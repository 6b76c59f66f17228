"""What a search asks for: the query, its filters, its sort and its page.

Its own module so that the backends (sqlite.py, postgres.py) can name it
without importing query.py, which imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass
class SearchQuery:
    text: str | None = None
    all_versions: bool = False
    source: str | None = None
    domain: str | None = None
    language: str | None = None  # as declared by the page
    # Detected from the text (only pages that declare none have one) ...
    detected_language: str | None = None
    # ... or either: the declared language, else the detected one.
    any_language: str | None = None
    author: str | None = None  # a case-insensitive part of an author's name
    # A keyword (news:keywords) or section (feed category) the publisher declared, whole, any case.
    keyword: str | None = None
    section: str | None = None
    published_from: date | None = None  # publisher's date; articles without one are left out
    published_to: date | None = None  # inclusive
    # The version was on the page at some time in this window (naive = UTC).
    captured_from: datetime | None = None
    captured_to: datetime | None = None
    changed: bool = False  # only articles with a publisher's edit in their current history
    # Also versions a re-extraction superseded (kept, but no longer the article's history).
    superseded: bool = False
    cluster: int | None = None  # only articles in this story cluster (storage/stories/)
    sort: str = "relevance"  # "relevance" | "date" (no text: always date)
    limit: int = 20
    offset: int = 0
    # Where the page starts: SearchPage.next_cursor of the page before
    # (keyset pagination; newsarchive.storage.research.search.cursor). With a
    # cursor, offset must be 0.
    cursor: str | None = None
