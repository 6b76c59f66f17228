"""Signing and clustering the articles stored before migration 0015 (`newsarchive db cluster-stories`)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.models import Article, Version
from newsarchive.storage.stories.clusters import join_story


def cluster_stored(sessions: sessionmaker[Session], *, batch: int = 500) -> Iterator[int]:
    """Put every article without a cluster into one, a batch per transaction, oldest first.

    Each article is signed from its first version (what the other outlets'
    copies were first compared with). An interrupted run loses at most one
    batch, and a second run carries on. Yields the running count after each
    batch; only the cluster tables and `articles.cluster_id` are written.
    """
    done = 0
    while True:
        with sessions() as session, session.begin():
            rows = session.execute(
                select(Article.id, Article.domain, Article.source, Article.first_seen_at, Version.text)
                .join(Version, (Version.article_id == Article.id) & (Version.number == 1))
                .where(Article.cluster_id.is_(None))
                .order_by(Article.first_seen_at, Article.id)
                .limit(batch)
            ).all()
            if not rows:
                return
            for article_id, domain, source, seen_at, text in rows:
                join_story(session, article_id, text or "", domain=domain, source=source, seen_at=seen_at)
            done += len(rows)
        yield done
