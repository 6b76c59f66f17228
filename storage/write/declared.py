"""Declared metadata: what a feed or news sitemap said about an article, kept with it.

The crawl carries each admitted URL's feed or sitemap fields to the archive
(Fetch.declared). Here they become one record per article (the latest),
the record as it stood when each version was first captured, search terms
(keywords and sections), and a "declared_changed" event when the publisher
changes the title, keywords or sections it declares: a feed title edit is
an edit signal even when the page has not changed yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsarchive.storage.models import Article, ArticleEvent, Capture, DeclaredTerm, Version
from newsarchive.storage.reconnect import reconnecting

T = TypeVar("T")
# Fields whose change is an event (dates and the feed's kind are not edits).
WATCHED = ("title", "keywords", "sections", "genres")
MAX_TERMS = 50
MAX_TERM = 200


def _split(value: Any) -> list[str]:
    """news:keywords is one comma-separated string; categories a list."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    seen: dict[str, None] = {}
    for item in items:
        text = " ".join(str(item).split())[:MAX_TERM]
        if text:
            seen.setdefault(text, None)
    return list(seen)[:MAX_TERMS]


def declared_record(hints: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The stored record from a discovery entry's hints (None when the entry declared nothing)."""
    if not hints:
        return None
    record: dict[str, Any] = {
        "via": hints.get("via"),
        "title": hints.get("news:title") or hints.get("title"),
        "published": hints.get("news:publication_date") or hints.get("published"),
        "modified": hints.get("modified"),
        "publication": hints.get("news:name"),
        "language": hints.get("news:language"),
        "keywords": _split(hints.get("news:keywords")),
        "sections": _split(hints.get("categories")),
        "genres": _split(hints.get("news:genres")),
    }
    record = {k: v for k, v in record.items() if v not in (None, "", [])}
    return record if set(record) - {"via"} else None


def terms(record: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(kind, term) search rows of a record, terms lower-cased."""
    found = {("keyword", k.lower()) for k in record.get("keywords", [])}
    return found | {("section", s.lower()) for s in record.get("sections", [])}


def _changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> str | None:
    parts = [
        f"{key}: {old.get(key)!r} -> {new.get(key)!r}" for key in WATCHED if old.get(key) != new.get(key)
    ]
    return "; ".join(parts) or None


def store_declared(
    session: Session, article_id: int, capture_id: int | None, record: Mapping[str, Any], at: datetime
) -> None:
    """Keep a capture's declared record on its article, its version (if new to it) and the term rows."""
    article = session.get(Article, article_id)
    if article is None:
        return
    previous = article.declared
    if previous != record:
        if previous:
            detail = _changes(previous, record)
            if detail is not None:
                session.add(
                    ArticleEvent(
                        article_id=article_id,
                        capture_id=capture_id,
                        at=at,
                        kind="declared_changed",
                        detail=detail,
                    )
                )
        article.declared = dict(record)
    if capture_id is None:  # declared in a feed read, without a fetch: no version to mark
        version_id = None
    else:
        version_id = session.scalar(select(Capture.version_id).where(Capture.id == capture_id))
    version = session.get(Version, version_id) if version_id else None
    if version is not None and version.declared is None:
        version.declared = dict(record)
    rows = session.execute(
        select(DeclaredTerm.kind, DeclaredTerm.term).where(DeclaredTerm.article_id == article_id)
    )
    have = {(kind, term) for kind, term in rows}
    for kind, term in sorted(terms(record) - have):
        session.add(DeclaredTerm(article_id=article_id, kind=kind, term=term))


def with_declared(
    record: Mapping[str, Any] | None, at: datetime, work: Callable[[Session], T]
) -> Callable[[Session], T]:
    """The write `work`, followed in its transaction by keeping the declared record (if any)."""
    if not record:
        return work

    def wrapped(session: Session) -> T:
        result = work(session)
        article_id, capture_id = getattr(result, "article_id", None), getattr(result, "capture_id", None)
        if article_id is not None and capture_id is not None:
            store_declared(session, article_id, capture_id, record, at)
        return result

    return wrapped


@reconnecting
def refresh_declared(sessions: Any, records: Mapping[str, Mapping[str, Any]], at: datetime) -> int:
    """Keep what a feed now declares about URLs already archived (the crawl does not fetch them again).

    `records` maps canonical URLs to declared records; returns how many
    articles' records changed. One transaction for the lot.
    """
    if not records:
        return 0
    changed = 0
    with sessions.begin() as session:
        found = session.execute(
            select(Article.canonical_url, Article.id, Article.declared).where(
                Article.canonical_url.in_(list(records))
            )
        )
        for url, article_id, declared in list(found):
            record = records[url]
            if declared != record:
                store_declared(session, article_id, None, record, at)
                changed += 1
    return changed
