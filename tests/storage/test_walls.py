"""Walls and junk are not versions: the write rule, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from newsarchive.storage.archive import Archive
from newsarchive.storage.crawl_state.frontier import Frontier
from newsarchive.storage.crawl_state.revisit_due import due_articles
from newsarchive.storage.models import Article, ArticleEvent, Capture
from newsarchive.storage.research.changes import recent_changes
from newsarchive.storage.research.read import counts, events, find_article, get_version
from newsarchive.storage.write.record_batch import Write
from tests.storage.test_service import FIELDS, T0, URL, content, fetch

WALL = {
    "title": "Before you continue",
    "text": "We use cookies. Accept all or reject all.",
    "canonical_url": None,
}


def wall(kind: str = "consent_wall", **fields: object):
    return content(**{**WALL, "kind": kind, **fields})


def test_a_wall_between_two_good_captures_makes_no_version_and_is_an_event(archive: Archive) -> None:
    service = archive.service
    assert service.record_capture(fetch(T0), content(kind="article")).outcome == "new_article"
    walled = service.record_capture(fetch(T0 + timedelta(hours=1)), wall())
    assert (walled.outcome, walled.version, walled.article_url) == ("walled", 1, URL)
    assert "consent wall" in (walled.reason or "") and not walled.ok
    again = service.record_capture(fetch(T0 + timedelta(hours=2)), content(kind="article"))
    assert (again.outcome, again.version) == ("unchanged", 1)
    with archive.sessions() as session:
        article = find_article(session, URL)
        assert article.version_count == 1 and get_version(session, article).title == FIELDS["title"]
        assert counts(session) == {"articles": 1, "versions": 1, "captures": 3}
        row = session.get(Capture, walled.capture_id)
        assert (row.outcome, row.page_kind, row.article_id, row.version_id) == (
            "walled",
            "consent_wall",
            article.id,
            None,
        )
        [event] = events(session, article)
        assert (event.kind, event.detail, event.capture_id) == ("walled", "consent_wall (HTTP 200)", row.id)
        assert list(recent_changes(session)) == []


def test_every_kind_of_wall_keeps_the_last_good_version(archive: Archive) -> None:
    service = archive.service
    service.record_capture(fetch(T0), content())
    kinds = ["consent_wall", "paywall", "bot_challenge", "login_wall", "soft_404", "error_page", "empty"]
    for hour, kind in enumerate(kinds, 1):
        fields = {"text": ""} if kind == "empty" else {}
        assert (
            service.record_capture(fetch(T0 + timedelta(hours=hour)), wall(kind, **fields)).outcome
            == "walled"
        )
    with archive.sessions() as session:
        article = find_article(session, URL)
        assert article.version_count == 1 and article.status == "live"
        assert [e.detail.split()[0] for e in events(session, article)] == kinds
        assert article.last_seen_at == T0  # seen whole only at T0; checked since
        assert article.last_checked_at == T0 + timedelta(hours=len(kinds))


def test_a_first_capture_that_is_a_wall_creates_no_article(archive: Archive) -> None:
    service = archive.service
    first = service.record_capture(fetch(T0), wall("bot_challenge"))
    assert (first.outcome, first.article_id, first.version) == ("walled", None, None)
    with archive.sessions() as session:
        assert counts(session) == {"articles": 0, "versions": 0, "captures": 1}
        assert session.get(Capture, first.capture_id).page_kind == "bot_challenge"
    # Not archived, so discovery queues the URL again; the next fetch is the article.
    assert Frontier(archive.sessions).archived([URL]) == set()
    later = service.record_capture(fetch(T0 + timedelta(minutes=30)), content())
    assert (later.outcome, later.version) == ("new_article", 1)


def test_a_wall_brings_the_next_check_forward(archive: Archive) -> None:
    service = archive.service
    service.record_capture(fetch(T0), content())
    # Two days old: the ordinary schedule would look again in three hours.
    at = T0 + timedelta(days=2)
    service.record_capture(fetch(at - timedelta(minutes=1)), content())
    service.record_capture(fetch(at), wall())
    with archive.sessions() as session:
        assert session.scalar(select(Article.next_check_at)) == at + timedelta(minutes=15)
    # A wall that has stood for more than a day goes back to the ordinary schedule.
    late = at + timedelta(days=2)
    service.record_capture(fetch(late), wall())
    with archive.sessions() as session:
        assert session.scalar(select(Article.next_check_at)) == late + timedelta(hours=3)


def test_a_revisit_never_sends_the_walls_validators(archive: Archive) -> None:
    service = archive.service
    good = fetch(T0)
    good.headers = {"etag": '"article"'}
    service.record_capture(good, content())
    walled = fetch(T0 + timedelta(hours=1))
    walled.headers = {"etag": '"wall"'}
    service.record_capture(walled, wall())
    [due] = due_articles(archive.sessions, now=T0 + timedelta(days=1))
    assert due.etag == '"article"'


def test_walls_in_a_batch_keep_the_same_rule(archive: Archive) -> None:
    service = archive.service
    results = service.record_many(
        [
            Write("capture", fetch(T0), content()),
            Write("capture", fetch(T0 + timedelta(minutes=1)), wall("paywall")),
            Write("capture", fetch(T0 + timedelta(minutes=2)), content()),
            Write("capture", fetch(T0 + timedelta(minutes=3)), wall("soft_404")),
        ]
    )
    assert [r.outcome for r in results] == ["new_article", "walled", "unchanged", "walled"]
    with archive.sessions() as session:
        assert counts(session)["versions"] == 1
        assert session.scalars(select(ArticleEvent.kind)).all() == ["walled", "walled"]
