"""The read side the CLI and API share: find an article, its versions, its history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsarchive.storage.models import Article, ArticleEvent, Capture, Version
from newsarchive.storage.models.version import CAUSE_EDIT
from newsarchive.storage.write.dedup import BadURL, canonical_url
from newsarchive.storage.write.edit_kinds import kinds_from_column

_OUR_NUMBER = re.compile(r"^newsarchive-extract (\d+)\b")


class NotFound(LookupError):
    """Nothing archived matches; the message says what was looked for."""


def find_article(session: Session, url_or_id: str | int) -> Article:
    """An article by id, canonical URL, or any URL it was captured from."""
    if isinstance(url_or_id, int) or (isinstance(url_or_id, str) and url_or_id.isdigit()):
        article = session.get(Article, int(url_or_id))
        if article is None:
            raise NotFound(f"no article with id {url_or_id}")
        return article
    url = str(url_or_id).strip()
    try:
        key = canonical_url(url)
    except BadURL as exc:
        raise NotFound(f"not a URL the archive keys on: {exc}") from None
    article = session.scalar(select(Article).where(Article.canonical_url == key))
    if article is None:
        article_id = session.scalar(
            select(Capture.article_id)
            .where(
                (Capture.requested_url == url) | (Capture.final_url == url), Capture.article_id.is_not(None)
            )
            .order_by(Capture.id.desc())
            .limit(1)
        )
        article = session.get(Article, article_id) if article_id else None
    if article is None:
        raise NotFound(f"no archived article for {url}")
    return article


def get_version(session: Session, article: Article, number: int | None = None) -> Version:
    """Version `number` of an article (the latest when None)."""
    if number is None:
        if article.latest_version_id is None:
            raise NotFound(f"article {article.canonical_url} has no version")
        version = session.get(Version, article.latest_version_id)
    else:
        version = session.scalar(
            select(Version).where(Version.article_id == article.id, Version.number == number)
        )
    if version is None:
        raise NotFound(
            f"article {article.canonical_url} has no version {number} (it has {article.version_count})"
        )
    return version


def list_versions(session: Session, article: Article) -> list[Version]:
    return list(
        session.scalars(select(Version).where(Version.article_id == article.id).order_by(Version.number))
    )


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    title: str | None
    first_seen: datetime
    last_seen: datetime
    captures: int
    words: int
    changes: dict[str, Any] | None
    # The publisher's declared dates, beside our observed ones above.
    published: str | None = None
    modified: str | None = None
    # The kinds of this edit (None: a first version, or not classified yet) and the version it restores.
    kinds: list[str] | None = None
    revert_of: int | None = None
    # "edit" (the page changed) or "extractor" (a re-extraction read it anew);
    # superseded: a later re-extraction replaced this reading (kept, not current).
    cause: str = CAUSE_EDIT
    extractor_version: str = ""
    superseded_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "title": self.title,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "published": self.published,
            "modified": self.modified,
            "captures": self.captures,
            "words": self.words,
            "changes": self.changes,
            "kinds": self.kinds,
            "revert_of": self.revert_of,
            "cause": self.cause,
            "extractor_version": self.extractor_version,
            "superseded_at": self.superseded_at.isoformat() if self.superseded_at else None,
        }


def history(session: Session, article: Article) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            v.number,
            v.title,
            v.first_seen_at,
            v.last_seen_at,
            v.capture_count,
            v.word_count,
            v.changes,
            published=v.published,
            modified=v.modified,
            kinds=kinds_from_column(v.edit_kinds),
            revert_of=v.revert_of,
            cause=v.cause,
            extractor_version=v.extractor_version,
            superseded_at=v.superseded_at,
        )
        for v in list_versions(session, article)
    ]


def version_by_extractor(session: Session, article: Article, extractor: str) -> Version:
    """The newest version of an article read by this extractor: a version string, or our number ("5")."""
    rows = list(
        session.scalars(
            select(Version).where(Version.article_id == article.id).order_by(Version.number.desc())
        )
    )
    for version in rows:
        if version.extractor_version == extractor or extractor_number(version.extractor_version) == (
            int(extractor) if extractor.isdigit() else None
        ):
            return version
    known = sorted({v.extractor_version for v in rows})
    raise NotFound(
        f"no version of {article.canonical_url} by extractor {extractor} (it has: {'; '.join(known)})"
    )


def extractor_number(extractor_version: str) -> int | None:
    """Our own extractor's number in a version string ("newsarchive-extract 5 / trafilatura ...")."""
    found = _OUR_NUMBER.match(extractor_version or "")
    return int(found.group(1)) if found else None


def articles_by_extractor(session: Session) -> dict[str, int]:
    """How many articles each extractor version read: by the extractor of their latest version."""
    rows = session.execute(
        select(Version.extractor_version, func.count())
        .join(Article, Article.latest_version_id == Version.id)
        .group_by(Version.extractor_version)
    )
    return {name: int(count) for name, count in rows}


def events(session: Session, article: Article) -> list[ArticleEvent]:
    return list(
        session.scalars(
            select(ArticleEvent).where(ArticleEvent.article_id == article.id).order_by(ArticleEvent.at)
        )
    )


def version_to_dict(article: Article, version: Version) -> dict[str, Any]:
    """The JSON shape of an archived version (`show --json`, the API)."""
    return {
        "article_id": article.id,
        "url": article.canonical_url,
        "domain": article.domain,
        "source": article.source,
        "status": article.status,
        "version": version.number,
        "versions": article.version_count,
        "title": version.title,
        "text": version.text,
        "authors": version.authors,
        "published": version.published,
        "modified": version.modified,
        "language": version.language,
        "detected_language": version.detected_language,
        "sitename": version.sitename,
        "description": version.description,
        "captions": version.captions,
        "images": version.images,
        "flags": version.flags,
        "extractor": version.extractor,
        "extractor_version": version.extractor_version,
        "first_seen": version.first_seen_at.isoformat(),
        "last_seen": version.last_seen_at.isoformat(),
        "article_first_seen": article.first_seen_at.isoformat(),
        "article_last_seen": article.last_seen_at.isoformat(),
        "last_checked": article.last_checked_at.isoformat(),
        "changes": version.changes,
        "kinds": kinds_from_column(version.edit_kinds),
        "revert_of": version.revert_of,
        "cause": version.cause,
        "superseded_at": version.superseded_at.isoformat() if version.superseded_at else None,
        # What the feed or news sitemap declared: latest, and as it stood at this version.
        "declared": article.declared,
        "version_declared": version.declared,
    }


def counts(session: Session) -> dict[str, int]:
    """Row counts of the main tables (for summaries and consistency checks)."""
    return {
        "articles": session.scalar(select(func.count()).select_from(Article)) or 0,
        "versions": session.scalar(select(func.count()).select_from(Version)) or 0,
        "captures": session.scalar(select(func.count()).select_from(Capture)) or 0,
    }
