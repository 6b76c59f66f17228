"""Reads the API and the pages share: an article, its versions, a version pair.

Everything raises newsarchive.storage.research.read.NotFound for an unknown id or number; the
app turns that into a 404 (newsarchive.crawler.web.errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from newsarchive.crawler.web.diffview import Diff, diff_versions
from newsarchive.storage.models import Article, Version
from newsarchive.storage.research.read import (
    NotFound,
    events,
    find_article,
    get_version,
    list_versions,
    version_to_dict,
)
from newsarchive.storage.research.stories import also_published_by, cluster_info, similar
from newsarchive.storage.stories.headline_test_rows import headline_tests
from newsarchive.storage.write.edit_kinds import kinds_from_column

# Ids and numbers beyond a 32-bit integer are unknown by definition; letting
# them reach PostgreSQL would be an integer-out-of-range error, not a 404.
MAX_ID = 2**31 - 1


def article_by_id(session: Session, article_id: int) -> Article:
    if not 0 < article_id <= MAX_ID:
        raise NotFound(f"no article with id {article_id}")
    return find_article(session, article_id)


def version_dict(article: Article, version: Version) -> dict[str, Any]:
    return {**version_to_dict(article, version), "version_id": version.id}


def article_dict(session: Session, article: Article) -> dict[str, Any]:
    latest = get_version(session, article)
    return {
        "article_id": article.id,
        "url": article.canonical_url,
        "domain": article.domain,
        "source": article.source,
        "status": article.status,
        "versions": article.version_count,
        "first_seen": article.first_seen_at,
        "last_seen": article.last_seen_at,
        "last_checked": article.last_checked_at,
        "last_changed": article.last_changed_at,
        "latest": version_dict(article, latest),
        "events": [{"at": e.at, "kind": e.kind, "detail": e.detail} for e in events(session, article)],
        "headline_tests": headline_tests(session, article.id),
        **story_dict(session, article),
        "also_published_by": [m.to_dict() for m in also_published_by(session, article)],
    }


def story_dict(session: Session, article: Article) -> dict[str, Any]:
    info = cluster_info(session, article)
    return {"cluster": info.to_dict() if info else None}


def similar_dict(session: Session, article: Article) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "url": article.canonical_url,
        **story_dict(session, article),
        "similar": [member.to_dict() for member in similar(session, article)],
    }


def version_summaries(session: Session, article: Article) -> list[dict[str, Any]]:
    return [
        {
            "version_id": v.id,
            "version": v.number,
            "title": v.title,
            "first_seen": v.first_seen_at,
            "last_seen": v.last_seen_at,
            "captures": v.capture_count,
            "words": v.word_count,
            "changes": v.changes,
            "kinds": kinds_from_column(v.edit_kinds),
            "revert_of": v.revert_of,
            "cause": v.cause,
            "superseded": v.superseded_at is not None,
        }
        for v in list_versions(session, article)
    ]


def version_by_id(session: Session, version_id: int) -> tuple[Article, Version]:
    version = session.get(Version, version_id) if 0 < version_id <= MAX_ID else None
    if version is None:
        raise NotFound(f"no version with id {version_id}")
    article = session.get(Article, version.article_id)
    assert article is not None  # versions cascade with their article
    return article, version


@dataclass(frozen=True)
class VersionPair:
    article: Article
    old: Version
    new: Version
    diff: Diff

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article.id,
            "url": self.article.canonical_url,
            "from_version": self.old.number,
            "to_version": self.new.number,
            "changed": self.diff.changed,
            "summary": self.diff.summary,
            "values": self.diff.values,
            "notice": self.diff.notice,
            "fields": [f.to_dict() for f in self.diff.fields],
        }


def version_pair(session: Session, article: Article, old: int | None, new: int | None) -> VersionPair:
    """Versions `old` and `new` (default: the latest and the one before it) and their diff."""
    for number in (old, new):
        if number is not None and not 0 < number <= MAX_ID:
            raise NotFound(f"article {article.canonical_url} has no version {number}")
    new_version = get_version(session, article, new)
    old_number = old if old is not None else max(new_version.number - 1, 1)
    old_version = get_version(session, article, old_number)
    return VersionPair(article, old_version, new_version, diff_versions(old_version, new_version))
