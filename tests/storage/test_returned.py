"""A gone article that answers again is live again, with a "returned" event, on every write path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from newsarchive.storage.archive import Archive
from newsarchive.storage.models import ArticleEvent
from newsarchive.storage.research.read import find_article
from newsarchive.storage.write.record_batch import Write
from newsarchive.storage.write.service import CaptureResult
from tests.storage.test_service import T0, URL, content, fetch

BACK = T0 + timedelta(days=2)


def changed(archive: Archive, article_id: int) -> Write:
    return Write("capture", fetch(BACK), content(title="Council approves budget, amended"))


def identical(archive: Archive, article_id: int) -> Write:
    return Write("same_body", fetch(BACK), article_id=article_id)


def not_modified(archive: Archive, article_id: int) -> Write:
    answer = fetch(BACK, status_code=304)
    answer.body_sha256 = None
    return Write("not_modified", answer, article_id=article_id)


def alone(archive: Archive, write: Write) -> CaptureResult:
    """The single-capture call (`capture`, small revisits)."""
    service = archive.service
    if write.kind == "capture":
        assert write.content is not None
        return service.record_capture(write.fetch, write.content)
    assert write.article_id is not None
    if write.kind == "same_body":
        return service.record_same_body(write.fetch, write.article_id)
    return service.record_not_modified(write.fetch, write.article_id)


def batched(archive: Archive, write: Write) -> CaptureResult:
    """The crawl's batched writer."""
    [result] = archive.service.record_many([write])
    assert isinstance(result, CaptureResult), result
    return result


@pytest.mark.parametrize("record", [alone, batched])
@pytest.mark.parametrize(
    ("answer", "outcome"),
    [(changed, "new_version"), (identical, "unchanged"), (not_modified, "not_modified")],
)
def test_a_gone_article_that_answers_again_is_live_with_a_returned_event(
    archive: Archive,
    answer: Callable[[Archive, int], Write],
    outcome: str,
    record: Callable[[Archive, Write], CaptureResult],
) -> None:
    first = archive.service.record_capture(fetch(T0), content())
    assert first.article_id is not None
    gone = fetch(T0 + timedelta(days=1), status_code=404)
    gone.error = "HTTP 404"
    assert archive.service.record_failure(gone).outcome == "gone"

    result = record(archive, answer(archive, first.article_id))
    assert result.outcome == outcome
    with archive.sessions() as session:
        article = find_article(session, URL)
        assert article.status == "live"
        events = list(session.scalars(select(ArticleEvent).order_by(ArticleEvent.id)))
        assert [e.kind for e in events] == ["gone", "returned"]
        assert events[1].capture_id == result.capture_id and events[1].at == BACK

    # Answering again while live adds no second event.
    record(archive, answer(archive, first.article_id))
    with archive.sessions() as session:
        assert list(session.scalars(select(ArticleEvent.kind))) == ["gone", "returned"]
