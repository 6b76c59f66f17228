"""The database side of headline A/B tests: read an article's recent headlines, keep the tests found."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsarchive.storage.models import HeadlineTest, Version
from newsarchive.storage.stories.headline_tests import (
    HEADLINE_TEST,
    WINDOW,
    HeadlineTestFound,
    Shown,
    detect,
    summarise,
)

# Versions read back at most: a live page edited every minute still costs one small query.
_RECENT = 200


def record_headline_test(
    session: Session, article_id: int, number: int, title: str | None, seen_at: datetime
) -> HeadlineTestFound | None:
    """Whether version `number` (about to be stored, or stored) takes part in a headline test.

    Reads the article's versions first seen within WINDOW before it; a test
    found is stored, extending the article's test it continues (one that
    ended at or after the first version of this one), else as a new row.
    """
    rows = session.execute(
        select(Version.number, Version.title, Version.first_seen_at)
        .where(
            Version.article_id == article_id,
            Version.number < number,
            Version.first_seen_at >= seen_at - WINDOW,
        )
        .order_by(Version.number.desc())
        .limit(_RECENT)
    ).all()
    history = [Shown(t or "", n, at) for n, t, at in reversed(rows)]
    history.append(Shown(title or "", number, seen_at))
    found = detect(history)
    if found is None:
        return None
    first_version = found.shown[0].version
    existing = session.scalar(
        select(HeadlineTest)
        .where(HeadlineTest.article_id == article_id, HeadlineTest.last_version >= first_version)
        .order_by(HeadlineTest.id.desc())
        .limit(1)
    )
    if existing is None:
        existing = HeadlineTest(article_id=article_id)
        session.add(existing)
    else:
        # A test longer than the window: keep what the earlier sightings showed.
        earlier = [_shown(s) for s in existing.shown if int(s["version"]) < first_version]
        found = summarise(earlier + list(found.shown))
    existing.shown = [s.to_dict() for s in found.shown]
    existing.headlines = found.headlines
    existing.flips = found.flips
    existing.started_at = found.started_at
    existing.last_seen_at = found.last_seen_at
    existing.first_version = found.shown[0].version
    existing.last_version = number
    _flag_earlier(session, article_id, [s.version for s in found.shown if s.version != number])
    session.flush()
    return found


def _flag_earlier(session: Session, article_id: int, numbers: list[int]) -> None:
    """The test's earlier versions get the flag too, so `changes --kind headline-test` lists them all.

    Only the derived kinds column changes. A first version (kinds NULL: it
    is no edit) and a version not classified yet are left as they are.
    """
    if not numbers:
        return
    versions = session.scalars(
        select(Version).where(Version.article_id == article_id, Version.number.in_(numbers))
    )
    for version in versions:
        if version.edit_kinds is None:
            continue
        kinds = [kind for kind in version.edit_kinds.split(",") if kind]
        if HEADLINE_TEST not in kinds:
            version.edit_kinds = ",".join([*kinds, HEADLINE_TEST])


def _shown(data: dict[str, Any]) -> Shown:
    return Shown(str(data["title"]), int(data["version"]), datetime.fromisoformat(str(data["seen_at"])))


def headline_tests(session: Session, article_id: int) -> list[dict[str, Any]]:
    """An article's headline tests, oldest first, as the CLI, API and pages show them."""
    tests = session.scalars(
        select(HeadlineTest).where(HeadlineTest.article_id == article_id).order_by(HeadlineTest.started_at)
    )
    return [
        {
            "started_at": test.started_at.isoformat(),
            "last_seen_at": test.last_seen_at.isoformat(),
            "headlines": test.headlines,
            "flips": test.flips,
            "versions": [test.first_version, test.last_version],
            "shown": test.shown,
        }
        for test in tests
    ]
