"""The archive's rules, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from newsarchive.storage.archive import Archive
from newsarchive.storage.fetch import ExtractedArticle, ExtractedContent, Fetch
from newsarchive.storage.models import Article, ArticleEvent, Capture, Version
from newsarchive.storage.research.read import counts, find_article, get_version, history

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://news.example.com/2026/03/01/story.html"
FIELDS = {
    "title": "Council approves budget",
    "text": "The council approved the budget on Monday.\nThe vote was 7 to 2.",
    "authors": ["Ana Ruiz"],
    "captions": [{"caption": "The council chamber", "credit": "Staff", "src": None, "alt": None}],
    "published": "2026-03-01",
    "modified": None,
    "canonical_url": URL,
}


def content(**changes: object) -> ExtractedContent:
    return ExtractedContent(ExtractedArticle.from_fields(dict(FIELDS, **changes)), "newsarchive", "test 1")


def fetch(at: datetime, url: str = URL, status_code: int = 200) -> Fetch:
    return Fetch(
        requested_url=url, final_url=url, status_code=status_code, fetched_at=at, body_sha256="ab" * 32
    )


def test_first_capture_creates_article_and_version_one(archive: Archive) -> None:
    result = archive.service.record_capture(fetch(T0), content())
    assert (result.outcome, result.version, result.article_url) == ("new_article", 1, URL)
    with archive.sessions() as session:
        article = find_article(session, URL)
        version = get_version(session, article)
        assert version.title == FIELDS["title"]
        assert version.changes == {"first": True}
        assert version.extractor_version == "test 1"
        assert article.next_check_at == T0 + timedelta(minutes=15)


def test_unchanged_recapture_adds_a_capture_not_a_version(archive: Archive) -> None:
    archive.service.record_capture(fetch(T0), content())
    result = archive.service.record_capture(
        fetch(T0 + timedelta(hours=1)), content(text=FIELDS["text"] + "  ")
    )
    assert (result.outcome, result.version) == ("unchanged", 1)
    with archive.sessions() as session:
        assert counts(session) == {"articles": 1, "versions": 1, "captures": 2}
        [entry] = history(session, find_article(session, URL))
        assert entry.captures == 2
        assert entry.last_seen == T0 + timedelta(hours=1)


def test_an_edit_adds_the_next_version_with_a_summary(archive: Archive) -> None:
    archive.service.record_capture(fetch(T0), content())
    result = archive.service.record_capture(
        fetch(T0 + timedelta(hours=2)), content(title="Council rejects budget")
    )
    assert (result.outcome, result.version) == ("new_version", 2)
    with archive.sessions() as session:
        article = find_article(session, URL)
        assert article.version_count == 2
        v2 = get_version(session, article)
        assert v2.number == 2 and v2.changes["headline_changed"] is True
        assert get_version(session, article, 1).title == "Council approves budget"


def test_tracking_parameters_do_not_split_an_article(archive: Archive) -> None:
    archive.service.record_capture(fetch(T0, URL + "?utm_source=rss"), content(canonical_url=None))
    result = archive.service.record_capture(fetch(T0, URL + "?utm_campaign=x"), content(canonical_url=None))
    assert result.outcome == "unchanged"


def test_failure_is_recorded_and_touches_nothing_archived(archive: Archive) -> None:
    archive.service.record_capture(fetch(T0), content())
    failed = fetch(T0 + timedelta(hours=1), url="https://news.example.com/other", status_code=500)
    failed.error = "HTTP 500"
    result = archive.service.record_failure(failed)
    assert (result.outcome, result.reason, result.article_id) == ("failed", "HTTP 500", None)
    with archive.sessions() as session:
        assert counts(session) == {"articles": 1, "versions": 1, "captures": 2}
        assert session.get(Article, 1).status == "live"


def test_a_404_on_an_archived_article_is_an_event_not_a_deletion(archive: Archive) -> None:
    archive.service.record_capture(fetch(T0), content())
    gone = fetch(T0 + timedelta(days=1), status_code=404)
    gone.error = "HTTP 404"
    assert archive.service.record_failure(gone).outcome == "gone"
    back = archive.service.record_capture(fetch(T0 + timedelta(days=2)), content())
    assert back.outcome == "unchanged"
    with archive.sessions() as session:
        kinds = list(session.scalars(select(ArticleEvent.kind).order_by(ArticleEvent.id)))
        assert kinds == ["gone", "returned"]
        assert session.scalar(select(Version.text)) == FIELDS["text"]


def test_same_bytes_shortcut_finds_the_latest_version(archive: Archive) -> None:
    first = archive.service.record_capture(fetch(T0), content())
    assert archive.service.latest_body_match(URL, "ab" * 32) == first.article_id
    assert archive.service.latest_body_match(URL, "cd" * 32) is None
    again = archive.service.record_same_body(fetch(T0 + timedelta(minutes=30)), first.article_id)
    assert (again.outcome, again.version) == ("unchanged", 1)


def test_same_bytes_must_be_the_latest_version_of_this_url(archive: Archive) -> None:
    archive.service.record_capture(fetch(T0), content())
    # Known bytes, but at a URL with no article: no shortcut.
    assert archive.service.latest_body_match("https://news.example.com/other.html", "ab" * 32) is None
    edited = fetch(T0 + timedelta(hours=1))
    edited.body_sha256 = "ef" * 32
    assert archive.service.record_capture(edited, content(title="Budget approved")).version == 2
    # The old bytes made version 1, not the latest: they must be extracted again.
    assert archive.service.latest_body_match(URL, "ab" * 32) is None
    assert archive.service.latest_body_match(URL, "ef" * 32) is not None


def test_concurrent_writers_make_one_article_and_no_duplicate_versions(archive: Archive) -> None:
    """Eight threads capture the same edit at once: one article, two versions."""
    archive.service.record_capture(fetch(T0), content())
    errors: list[BaseException] = []

    def capture(i: int) -> None:
        try:
            archive.service.record_capture(fetch(T0 + timedelta(seconds=i + 1)), content(title="Edited"))
        except BaseException as exc:  # noqa: BLE001 (collected and asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=capture, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with archive.sessions() as session:
        assert counts(session) == {"articles": 1, "versions": 2, "captures": 9}
        outcomes = sorted(session.scalars(select(Capture.outcome)))
        assert outcomes.count("new_version") == 1
