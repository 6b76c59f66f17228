"""The database side of edit kinds: reverts found among an article's earlier versions.

The rule itself is pure (newsarchive.storage.write.edit_kinds); this module
only answers "does the new content equal an earlier version?", which needs
the article's history, and turns the result into the version's columns.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.models import Version
from newsarchive.storage.stories.headline_test_rows import record_headline_test
from newsarchive.storage.stories.headline_tests import HEADLINE_TEST
from newsarchive.storage.write.dedup import word_count
from newsarchive.storage.write.edit_kinds import classify_edit, kinds_to_column, revert_key


def revert_target(session: Session, article_id: int, number: int, fields: Mapping[str, Any]) -> int | None:
    """The newest version before `number`'s predecessor whose headline and text equal `fields`.

    The predecessor itself does not count: equal to it in headline and text,
    the new version changed something else (dates, authors, captions).
    Equal text has an equal word count, so SQL narrows the candidates to a
    few rows and only those texts are read, even on a live story with
    hundreds of versions.
    """
    key = revert_key(fields)
    rows = session.execute(
        select(Version.number, Version.title, Version.text)
        .where(
            Version.article_id == article_id,
            Version.number < number - 1,
            # A re-extraction's superseded versions are another reading, not the history.
            Version.superseded_at.is_(None),
            Version.word_count == word_count(fields.get("text")),
        )
        .order_by(Version.number.desc())
    )
    for earlier, title, text in rows:
        if revert_key({"title": title, "text": text}) == key:
            return int(earlier)
    return None


def edit_values(
    session: Session,
    article_id: int,
    number: int,
    previous: Version | None,
    fields: Mapping[str, Any],
    seen_at: datetime | None = None,
) -> dict[str, Any]:
    """The edit_kinds and revert_of columns of version `number` (both None for a first version).

    With `seen_at` (when the version was first seen), a headline change is
    also checked for an A/B test (storage/stories/headline_tests.py): one
    found is stored, and the version flagged `headline-test` among its kinds.
    """
    if previous is None:
        return {"edit_kinds": None, "revert_of": None}
    revert_of = revert_target(session, article_id, number, fields)
    kinds = classify_edit(previous.content(), fields, revert_of=revert_of)
    if (
        seen_at is not None
        and "headline" in kinds
        and record_headline_test(session, article_id, number, fields.get("title"), seen_at) is not None
    ):
        kinds.append(HEADLINE_TEST)
    return {"edit_kinds": kinds_to_column(kinds), "revert_of": revert_of}


def classify_stored(
    sessions: sessionmaker[Session], *, reclassify: bool = False, batch: int = 500
) -> Iterator[int]:
    """Fill edit_kinds and revert_of for versions stored before migration 0011.

    Versions after the first with no kinds yet (all of them with
    `reclassify`, after the rule changed), a batch per transaction in id
    order, so an interrupted run loses at most one batch and a second run
    carries on. Yields the running count after each batch. Only these two
    columns are written; nothing archived is touched.
    """
    done, last_id = 0, 0
    while True:
        with sessions() as session, session.begin():
            stmt = select(Version).where(Version.number > 1, Version.id > last_id)
            if not reclassify:
                stmt = stmt.where(Version.edit_kinds.is_(None))
            versions = list(session.scalars(stmt.order_by(Version.id).limit(batch)))
            if not versions:
                return
            for version in versions:
                previous = session.scalar(
                    select(Version).where(
                        Version.article_id == version.article_id, Version.number == version.number - 1
                    )
                )
                values = edit_values(
                    session,
                    version.article_id,
                    version.number,
                    previous,
                    version.content(),
                    version.first_seen_at,
                )
                version.edit_kinds, version.revert_of = values["edit_kinds"], values["revert_of"]
            last_id = versions[-1].id
            done += len(versions)
        yield done
