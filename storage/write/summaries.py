"""Change summaries computed before the write transaction, and checked inside it.

A summary diffs the new text against the latest version's. Even bounded
(newsarchive.storage.write.bounded_diff) that can take a second on a long
article, and inside the write transaction it would hold SQLite's write lock
(and a PostgreSQL row lock) meanwhile. So the writer reads the latest
versions first, in a short read transaction of its own, and diffs with no
lock held; inside the transaction the summary is used only if the article's
latest version is still the one it was computed against. If another writer
added a version meanwhile, the summary is recomputed there with a small
budget: a coarser summary, never a long-held lock.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.fetch import ExtractedContent, Fetch
from newsarchive.storage.models import Article, Version
from newsarchive.storage.write.bounded_diff import WORK_BUDGET
from newsarchive.storage.write.dedup import choose_article_url, content_hash
from newsarchive.storage.write.versions import change_summary

log = logging.getLogger(__name__)

# Inside a transaction, only this much diffing (about a twentieth of a second).
IN_TRANSACTION_BUDGET = WORK_BUDGET // 20
# Keys per lookup: well under SQLite's bound-parameter limit.
_KEYS_PER_QUERY = 500


@dataclass(frozen=True)
class PreparedSummary:
    """A change summary and the version it was computed against."""

    previous_id: int
    changes: dict[str, Any]


def prepare_summaries(
    sessions: sessionmaker[Session], captures: Sequence[tuple[Fetch, ExtractedContent]]
) -> list[PreparedSummary | None]:
    """For each capture of an article already archived with other content, its summary.

    None where the article is new, unchanged or its key cannot be read (the
    transaction then decides as before). One query per 500 captures: a
    crawl's batches are mostly new articles and pay a single lookup.
    """
    keys: list[str | None] = []
    for fetch, content in captures:
        if (content.article.kind or "article") != "article":  # a wall: never a version
            keys.append(None)
            continue
        try:
            keys.append(
                choose_article_url(fetch.final_url or fetch.requested_url, content.article.canonical_url)
            )
        except Exception:  # a bad URL fails inside the transaction, where it is recorded
            keys.append(None)
    wanted = sorted({key for key in keys if key is not None})
    if not wanted:
        return [None] * len(captures)
    latest: dict[str, Version] = {}
    with sessions() as session:
        for start in range(0, len(wanted), _KEYS_PER_QUERY):
            rows = session.execute(
                select(Article.canonical_url, Version)
                .join(Version, Version.id == Article.latest_version_id)
                .where(Article.canonical_url.in_(wanted[start : start + _KEYS_PER_QUERY]))
            )
            latest.update({url: version for url, version in rows})
        session.expunge_all()
    prepared: list[PreparedSummary | None] = []
    for key, (_, content) in zip(keys, captures, strict=True):
        version = latest.get(key) if key is not None else None
        fields = content.article.as_fields()
        if version is None or version.content_hash == content_hash(fields):
            prepared.append(None)
            continue
        prepared.append(PreparedSummary(version.id, change_summary(version.content(), fields)))
    return prepared


def summary_for(
    prepared: PreparedSummary | None, previous: Version | None, content: ExtractedContent
) -> dict[str, Any]:
    """The summary to store, inside the transaction: the prepared one if still current."""
    fields = content.article.as_fields()
    if previous is None:
        return change_summary(None, fields)
    if prepared is not None and prepared.previous_id == previous.id:
        return prepared.changes
    return change_summary(previous.content(), fields, IN_TRANSACTION_BUDGET)
