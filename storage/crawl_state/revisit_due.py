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
        query = (
            select(Article)
            .where(Article.next_check_at.is_not(None), Article.next_check_at <= now)
            .order_by(Article.next_check_at, Article.id)
        )
        if source is not None:
            query = query.where(Article.source == source)
        if limit is not None:
            query = query.limit(limit)
        return [due_entry(session, article) for article in session.scalars(query)]


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
    capture = session.scalar(
        select(Capture)
        # Not a walled capture's: its validators are the wall's, and a 304 to
        # them would confirm the article's last version without looking at it.
        .where(
            Capture.article_id == article.id,
            Capture.status_code.in_((200, 304)),
            Capture.outcome != "walled",
        )
        .order_by(Capture.id.desc())
        .limit(1)
    )
    if capture is None:
        return DueArticle(article.id, article.canonical_url, article.source)
    headers = capture.headers or {}
    # Revisit the URL that was fetched, not a canonical the page declared: that is
    # the one whose validators we hold.
    return DueArticle(
        article.id, capture.requested_url, article.source, headers.get("etag"), headers.get("last-modified")
    )
