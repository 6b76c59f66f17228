"""Which archived articles are due for a revisit, and how to ask for them conditionally.

The conditional-GET validators come from the newest capture of the article
that kept them (`etag`, `last-modified`; newsarchive.storage.fetch.KEPT_HEADERS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.models import Article, Capture

# Articles whose validators one query looks up (well under every backend's bound-parameter limit).
LOOKUP_BATCH = 500


@dataclass(frozen=True)
class DueArticle:
    article_id: int
    url: str  # where to fetch it: the last URL that answered, else the canonical URL
    source: str | None
    etag: str | None = None
    last_modified: str | None = None


def due_articles(
    sessions: sessionmaker[Session],
    *,
    now: datetime | None = None,
    source: str | None = None,
    limit: int | None = None,
) -> list[DueArticle]:
    """Articles whose next check time has come, most overdue first."""
    now = now or datetime.now(UTC)
    with sessions() as session:
        # Only the columns a revisit needs, not whole articles: at a large
        # backlog (tens of thousands due) the rows are most of the cost.
        query = (
            select(Article.id, Article.canonical_url, Article.source)
            .where(Article.next_check_at.is_not(None), Article.next_check_at <= now)
            .order_by(Article.next_check_at, Article.id)
        )
        if source is not None:
            query = query.where(Article.source == source)
        if limit is not None:
            query = query.limit(limit)
        rows = session.execute(query).all()
        due = []
        for start in range(0, len(rows), LOOKUP_BATCH):
            chunk = rows[start : start + LOOKUP_BATCH]
            kept = _validators(session, [row.id for row in chunk])
            due += [_entry(row.id, row.canonical_url, row.source, kept.get(row.id)) for row in chunk]
        return due


def next_due(sessions: sessionmaker[Session], *, source: str | None = None) -> datetime | None:
    """When the next article comes due (None: no article is scheduled for a check)."""
    with sessions() as session:
        query = select(func.min(Article.next_check_at)).where(Article.next_check_at.is_not(None))
        if source is not None:
            query = query.where(Article.source == source)
        when = session.scalar(query)
    # SQLite hands back naive datetimes; every time in the archive is UTC.
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


def due_entry(session: Session, article: Article) -> DueArticle:
    return _entry(
        article.id, article.canonical_url, article.source, _validators(session, [article.id]).get(article.id)
    )


def _validators(session: Session, article_ids: list[int]) -> dict[int, tuple[str, dict[str, str]]]:
    """Each article's newest capture whose validators are worth sending: its (requested URL, headers).

    One query per batch of articles, not one per article (a selection of
    30,000 due articles made 30,000 round trips).
    """
    newest = (
        select(func.max(Capture.id))
        # Not a walled capture's: its validators are the wall's, and a 304 to
        # them would confirm the article's last version without looking at it.
        .where(
            Capture.article_id.in_(article_ids),
            Capture.status_code.in_((200, 304)),
            Capture.outcome != "walled",
        )
        .group_by(Capture.article_id)
    )
    rows = session.execute(
        select(Capture.article_id, Capture.requested_url, Capture.headers).where(Capture.id.in_(newest))
    )
    return {
        row.article_id: (row.requested_url, row.headers or {}) for row in rows if row.article_id is not None
    }


def _entry(
    article_id: int, canonical_url: str, source: str | None, capture: tuple[str, dict[str, str]] | None
) -> DueArticle:
    if capture is None:
        return DueArticle(article_id, canonical_url, source)
    requested_url, headers = capture
    # Revisit the URL that was fetched, not a canonical the page declared: that is
    # the one whose validators we hold.
    return DueArticle(article_id, requested_url, source, headers.get("etag"), headers.get("last-modified"))
