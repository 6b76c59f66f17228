"""Reads over story clusters: where else a story ran, and who had it first.

`similar` lists the other members of an article's cluster with their
estimated similarity to it (from the stored MinHash signatures) and the
time each was first seen; the cluster's first member is the outlet that had
it first, as far as the archive saw.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsarchive.storage.models import Article, StoryCluster, StorySignature
from newsarchive.storage.stories.minhash import Signature

# Members listed at most (a wire story can run at hundreds of outlets).
MAX_MEMBERS = 500


@dataclass(frozen=True)
class ClusterMember:
    article_id: int
    url: str
    domain: str
    source: str | None
    first_seen: datetime
    similarity: float | None  # to the article asked about; None when either has no signature
    first: bool  # the cluster's first-seen member

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_seen"] = self.first_seen.isoformat()
        return data


@dataclass(frozen=True)
class ClusterInfo:
    cluster_id: int
    size: int
    first_article_id: int
    first_domain: str
    first_source: str | None
    first_seen: datetime

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_seen"] = self.first_seen.isoformat()
        return data


def cluster_info(session: Session, article: Article) -> ClusterInfo | None:
    if article.cluster_id is None:
        return None
    cluster = session.get(StoryCluster, article.cluster_id)
    if cluster is None:
        return None
    return ClusterInfo(
        cluster.id,
        cluster.size,
        cluster.first_article_id,
        cluster.first_domain,
        cluster.first_source,
        cluster.first_seen_at,
    )


def similar(session: Session, article: Article, *, limit: int = MAX_MEMBERS) -> list[ClusterMember]:
    """The other articles in `article`'s cluster, first seen first (empty when it stands alone)."""
    info = cluster_info(session, article)
    if info is None:
        return []
    own = _signature(session, article.id)
    rows = session.execute(
        select(Article, StorySignature.signature, StorySignature.shingles)
        .outerjoin(StorySignature, StorySignature.article_id == Article.id)
        .where(Article.cluster_id == info.cluster_id, Article.id != article.id)
        .order_by(Article.first_seen_at, Article.id)
        .limit(limit)
    )
    members = []
    for other, data, count in rows:
        score = own.similarity(Signature.from_bytes(data, count)) if own is not None and data else None
        members.append(
            ClusterMember(
                other.id,
                other.canonical_url,
                other.domain,
                other.source,
                other.first_seen_at,
                score,
                other.id == info.first_article_id,
            )
        )
    return members


def also_published_by(session: Session, article: Article) -> list[ClusterMember]:
    """The cluster's members at other outlets (domains), one each: the earliest copy there."""
    by_domain: dict[str, ClusterMember] = {}
    for member in similar(session, article):
        if member.domain != article.domain and member.domain not in by_domain:
            by_domain[member.domain] = member
    return list(by_domain.values())


def _signature(session: Session, article_id: int) -> Signature | None:
    row = session.execute(
        select(StorySignature.signature, StorySignature.shingles).where(
            StorySignature.article_id == article_id
        )
    ).first()
    return Signature.from_bytes(row[0], row[1]) if row else None
