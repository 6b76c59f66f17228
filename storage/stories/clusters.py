"""Putting an article in its story cluster, inside the write transaction.

The LSH index is the `story_bands` table: an article's candidates are the
articles sharing one of its band hashes, found through the band-hash
index with one query. Its cost does not grow with the archive, only with
the number of copies of the one story (capped by MAX_CANDIDATES), so adding
an article takes about the same time at a thousand articles or a million,
and nothing is held in memory between writes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from newsarchive.storage.models import Article, StoryBand, StoryCluster, StorySignature
from newsarchive.storage.stories.minhash import SCHEME, Signature, signature

# Estimated Jaccard similarity of word shingles from which two texts are the
# same story: the best threshold on the tuning half of bench/stories.py's
# pairs (docs/stories.md). Below about 0.5 the bands, not this threshold,
# decide most pairs: such pairs rarely share a band at all.
SAME_STORY = 0.3
# Candidates compared per new article: a wire story at hundreds of outlets
# shares bands with all of them, and any of them names the cluster.
MAX_CANDIDATES = 100


def join_story(
    session: Session,
    article_id: int,
    text: str,
    *,
    domain: str,
    source: str | None,
    seen_at: datetime,
    sig: Signature | None = None,
) -> int:
    """Sign the article, find its cluster (or found one) and record it; returns the cluster id.

    `sig` may be computed beforehand (outside the transaction); otherwise it
    is computed here. An article too short to sign is a cluster of its own.
    """
    if sig is None:
        sig = signature(text)
    match_id, similarity = (None, 0.0) if sig is None else best_match(session, sig, exclude=article_id)
    cluster_id = None
    if match_id is not None:
        cluster_id = session.scalar(select(Article.cluster_id).where(Article.id == match_id))
    if cluster_id is None:
        cluster_id = _found_cluster(session, article_id, domain, source, seen_at)
    else:
        _add_member(session, cluster_id, article_id, domain, source, seen_at)
    session.execute(update(Article).where(Article.id == article_id).values(cluster_id=cluster_id))
    if sig is not None:
        _store_signature(session, article_id, sig, match_id, similarity if match_id is not None else None)
    return cluster_id


def best_match(session: Session, sig: Signature, *, exclude: int | None = None) -> tuple[int | None, float]:
    """The signed article most similar to `sig` at SAME_STORY or above, and the similarity."""
    stmt = (
        select(StoryBand.article_id)
        .where(StoryBand.hash.in_(sig.band_hashes()))
        .distinct()
        .limit(MAX_CANDIDATES)
    )
    candidates = [a for a in session.scalars(stmt) if a != exclude]
    best, best_score = None, 0.0
    if not candidates:
        return None, 0.0
    rows = session.execute(
        select(StorySignature.article_id, StorySignature.signature, StorySignature.shingles).where(
            StorySignature.article_id.in_(candidates), StorySignature.scheme == SCHEME
        )
    )
    for other_id, data, count in rows:
        score = sig.similarity(Signature.from_bytes(data, count))
        # Ties go to the earliest article, so a result does not depend on row order.
        if score > best_score or (score == best_score and best is not None and other_id < best):
            best, best_score = other_id, score
    if best is None or best_score < SAME_STORY:
        return None, best_score
    return best, best_score


def _found_cluster(session: Session, article_id: int, domain: str, source: str | None, at: datetime) -> int:
    cluster = StoryCluster(
        first_article_id=article_id, first_domain=domain, first_source=source, first_seen_at=at, size=1
    )
    session.add(cluster)
    session.flush()
    return cluster.id


def _add_member(
    session: Session, cluster_id: int, article_id: int, domain: str, source: str | None, at: datetime
) -> None:
    session.execute(
        update(StoryCluster).where(StoryCluster.id == cluster_id).values(size=StoryCluster.size + 1)
    )
    # An earlier copy (an imported WARC, a late-found page) becomes the first.
    session.execute(
        update(StoryCluster)
        .where(StoryCluster.id == cluster_id, StoryCluster.first_seen_at > at)
        .values(first_article_id=article_id, first_domain=domain, first_source=source, first_seen_at=at)
    )


def _store_signature(
    session: Session, article_id: int, sig: Signature, match_id: int | None, similarity: float | None
) -> None:
    session.execute(delete(StoryBand).where(StoryBand.article_id == article_id))
    session.execute(delete(StorySignature).where(StorySignature.article_id == article_id))
    session.add(
        StorySignature(
            article_id=article_id,
            signature=sig.to_bytes(),
            shingles=sig.shingles,
            matched_article_id=match_id,
            similarity=similarity,
            scheme=SCHEME,
        )
    )
    session.execute(
        insert(StoryBand),
        [
            {"article_id": article_id, "band": band, "hash": value}
            for band, value in enumerate(sig.band_hashes())
        ],
    )
    session.flush()
