"""The rows one capture writes: captures and versions as plain values, inserted past the ORM.

The batch write path records hundreds of captures a minute; building these
rows as dictionaries and inserting them with one prepared statement each
skips the ORM's flushes (docs/performance.md). A first capture of an
article, most of what a crawl records, writes every row this way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from newsarchive.storage.crawl_state.revisit_schedule import RevisitStep, next_check
from newsarchive.storage.fetch import ExtractedContent, Fetch
from newsarchive.storage.models import Article, Capture, Version
from newsarchive.storage.models.capture import Outcome
from newsarchive.storage.write.dedup import domain_of, word_count
from newsarchive.storage.write.versions import change_summary


def capture_row(fetch: Fetch, *, outcome: Outcome, article_id: int | None) -> Capture:
    return Capture(**capture_values(fetch, outcome=outcome, article_id=article_id))


def capture_values(
    fetch: Fetch, *, outcome: Outcome, article_id: int | None, version_id: int | None = None
) -> dict[str, Any]:
    warc = fetch.warc
    return {
        "requested_url": fetch.requested_url,
        "final_url": fetch.final_url,
        "article_id": article_id,
        "version_id": version_id,
        "crawl_run_id": fetch.crawl_run_id,
        "outcome": outcome.value,
        "status_code": fetch.status_code,
        "headers": dict(fetch.headers),
        "content_type": fetch.content_type,
        "fetched_at": fetch.fetched_at,
        "body_sha256": fetch.body_sha256,
        "body_size": fetch.body_size,
        "warc_file": warc.file if warc else None,
        "warc_offset": warc.offset if warc else None,
        "warc_length": warc.length if warc else None,
        "ignore_robots": fetch.ignore_robots,
        "via": fetch.via,
        # Provenance: which robots.txt response allowed (or refused) this fetch.
        "extra": {"robots_txt": fetch.robots} if fetch.robots else None,
    }


def version_values(
    article_id: int,
    number: int,
    digest: str,
    content: ExtractedContent,
    fetched_at: datetime,
    capture_id: int,
    previous: Version | None,
    changes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A version row's values; `changes` is its change summary when computed beforehand."""
    article = content.article
    fields = article.as_fields()
    if changes is None:
        changes = change_summary(previous.content() if previous else None, fields)
    return {
        "article_id": article_id,
        "number": number,
        "content_hash": digest,
        "title": article.title,
        "text": article.text or "",
        "authors": list(article.authors),
        "captions": fields["captions"],
        "published": article.published,
        "modified": article.modified,
        "language": article.language,
        "sitename": article.sitename,
        "description": article.description,
        "images": list(article.images),
        "flags": list(article.flags),
        "word_count": word_count(article.text),
        "extractor": content.extractor,
        "extractor_version": content.extractor_version,
        "first_seen_at": fetched_at,
        "last_seen_at": fetched_at,
        "capture_count": 1,
        "first_capture_id": capture_id,
        "changes": changes,
        # Only when there is one, as with edit_kinds: a first version then
        # still writes to a schema from before migration 0015 (migrate=False).
        **({"detected_language": article.detected_language} if article.detected_language else {}),
    }


def insert_new_article(
    session: Session,
    fetch: Fetch,
    content: ExtractedContent,
    key: str,
    digest: str,
    schedule: Sequence[RevisitStep],
) -> tuple[int, int]:
    """An article seen for the first time: its row, its first capture and version one.

    The article row goes in with the values the ORM path would leave after
    its bookkeeping (seen, checked and changed now; the next check by its
    revisit schedule); only the two pointers that close the circle, the
    capture's version and the article's latest version, are set after.
    Returns (article id, capture id).
    """
    at = fetch.fetched_at
    article_id = insert_row(
        session,
        Article,
        {
            "canonical_url": key,
            "domain": domain_of(key),
            "source": fetch.source,
            "status": "live",
            "first_seen_at": at,
            "last_seen_at": at,
            "last_checked_at": at,
            "last_changed_at": at,
            "next_check_at": next_check(at, at, at, schedule),
            "version_count": 1,
            "latest_version_id": None,
        },
    )
    capture_id = insert_row(
        session, Capture, capture_values(fetch, outcome=Outcome.NEW_ARTICLE, article_id=article_id)
    )
    version_id = insert_row(
        session, Version, version_values(article_id, 1, digest, content, at, capture_id, None)
    )
    connection = session.connection()
    connection.execute(SET_CAPTURE_VERSION, {"capture_id": capture_id, "version_id": version_id})
    connection.execute(SET_LATEST_VERSION, {"article_id": article_id, "version_id": version_id})
    return article_id, capture_id


def insert_row(session: Session, model: type[Article | Capture | Version], values: dict[str, Any]) -> int:
    """Insert one row on the session's connection, past the ORM's unit of work; returns its id.

    inserted_primary_key, not RETURNING: SQLAlchemy then uses RETURNING on
    PostgreSQL and the cursor's lastrowid on SQLite, which works on SQLite
    before 3.35 too (no RETURNING there); one round trip either way.
    """
    key = session.connection().execute(_INSERTS[model], values).inserted_primary_key
    assert key is not None  # an INSERT's result always has one
    return int(key[0])


# Built once: a new statement object costs its cache key again on every call.
# (A declarative model's __table__ is a Table; SQLAlchemy types it as a FromClause.)
_TABLES = {model: cast(Table, model.__table__) for model in (Article, Capture, Version)}
_INSERTS = {model: insert(table) for model, table in _TABLES.items()}
SET_CAPTURE_VERSION = (
    update(_TABLES[Capture])
    .where(_TABLES[Capture].c.id == bindparam("capture_id"))
    .values(version_id=bindparam("version_id"))
)
SET_LATEST_VERSION = (
    update(_TABLES[Article])
    .where(_TABLES[Article].c.id == bindparam("article_id"))
    .values(latest_version_id=bindparam("version_id"))
)
