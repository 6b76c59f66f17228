"""Which captures are a URL's mementos, and which one a Wayback timestamp selects (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.fetch import Fetch
from newsarchive.storage.research.mementos import (
    BadTimestamp,
    Memento,
    held,
    mementos,
    nearest,
    parse_stamp,
    version_place,
)
from newsarchive.storage.warc.store import WarcLocation
from tests.research.conftest import T0, capture

URL = "https://news.example.com/2026/03/02/ferry.html"


def test_captures_with_a_record_are_mementos_oldest_first_one_a_second(archive: Archive) -> None:
    capture(archive, URL, T0, warc=True, title="Ferry cut", text="The ferry runs less often.")
    capture(
        archive, URL, T0 + timedelta(hours=1), warc=True, title="Ferry cut", text="The ferry runs less often."
    )
    # Two captures in one second: one memento, the later.
    capture(
        archive, URL, T0 + timedelta(hours=2, microseconds=100), warc=True, title="Ferry cut again", text="x"
    )
    late = capture(
        archive, URL, T0 + timedelta(hours=2, microseconds=900), warc=True, title="Ferry cut again", text="x"
    )
    capture(archive, URL, T0 + timedelta(hours=3), warc=False, title="Ferry cut again", text="x")  # no record
    with archive.sessions() as session:
        found = mementos(session, URL)
        assert [m.at for m in found] == [
            T0,
            T0 + timedelta(hours=1),
            T0 + timedelta(hours=2, microseconds=900),
        ]
        assert found[-1].capture_id == late.capture_id
        assert [m.stamp for m in found] == ["20260302090000", "20260302100000", "20260302110000"]
        places = [version_place(session, m) for m in found]
        assert [(p.number, p.count) for p in places if p is not None] == [(1, 2), (1, 2), (2, 2)]
        # The other scheme finds the same captures; another URL none.
        other_scheme = mementos(session, URL.replace("https:", "http:"))
        assert [m.capture_id for m in other_scheme] == [m.capture_id for m in found]
        assert mementos(session, URL + "?other") == []


def test_not_modified_answers_are_no_mementos_and_failures_with_a_record_are(archive: Archive) -> None:
    result = capture(archive, URL, T0, warc=True, title="Ferry cut", text="The ferry runs less often.")
    assert result.article_id is not None
    location = WarcLocation("newsarchive-20260302-00001.warc.gz", 0, 1)
    archive.service.record_not_modified(
        Fetch(
            requested_url=URL,
            final_url=URL,
            status_code=304,
            fetched_at=T0 + timedelta(hours=1),
            warc=location,
        ),
        result.article_id,
    )
    image = "https://news.example.com/img/ferry.png"
    archive.service.record_failure(
        Fetch(
            requested_url=image,
            final_url=image,
            status_code=200,
            content_type="image/png",
            fetched_at=T0,
            warc=location,
            error="non-HTML body (image/png)",
        )
    )
    with archive.sessions() as session:
        assert [m.at for m in mementos(session, URL)] == [T0]
        assert [m.status for m in mementos(session, image)] == [200]
        assert held(session, {image, URL, "https://news.example.com/img/other.png"}) == {image, URL}


def test_a_canonical_url_finds_captures_made_from_another_address(archive: Archive) -> None:
    tracked = URL + "?utm_source=feed"
    capture(
        archive,
        tracked,
        T0,
        warc=True,
        title="Ferry cut",
        text="The ferry runs less often.",
        canonical_url=URL,
    )
    with archive.sessions() as session:
        found = mementos(session, URL)
        assert [m.url for m in found] == [tracked]


def _at(*times: str) -> list[Memento]:
    return [
        Memento(
            i,
            URL,
            datetime.strptime(t, "%Y%m%d%H%M%S").replace(tzinfo=UTC),
            WarcLocation("f", 0, 0),
            200,
            None,
            None,
            None,
        )
        for i, t in enumerate(times)
    ]


def test_a_timestamp_selects_like_wayback() -> None:
    found = _at("20251231235959", "20260105120000", "20260301000000", "20260301180000")
    assert nearest(found, "2026") == 1  # a prefix: the earliest capture inside it, not Dec 31
    assert nearest(found, "202603") == 2
    assert nearest(found, "20260301") == 2
    assert nearest(found, "20260301170000") == 3  # a full timestamp: the nearest
    assert nearest(found, "20260301090000") == 2  # a tie: the earlier
    assert nearest(found, "2024") == 0  # nothing inside the year: the nearest to its start
    assert nearest(found, "2030") == 3


@pytest.mark.parametrize(
    "bad", ["", "20", "2026x", "202613", "20260230", "202603011260", "123456789012345", "²０２６"]
)
def test_bad_timestamps_are_refused(bad: str) -> None:
    with pytest.raises(BadTimestamp):
        parse_stamp(bad)
