"""The charts' counts: windows refused past a year, sources past twelve summed, UTC day edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.research.charts import (
    MAX_SOURCES,
    NO_SOURCE,
    BadWindow,
    Window,
    latest_day,
    source_activity,
)
from tests.web.seed_pages import put


def test_a_window_is_at_most_a_year_and_runs_forwards() -> None:
    assert len(Window.checked(date(2025, 1, 1), date(2026, 1, 1)).days()) == 366
    with pytest.raises(BadWindow, match="at most 366 days"):
        Window.checked(date(2025, 1, 1), date(2026, 1, 2))
    with pytest.raises(BadWindow, match="before it starts"):
        Window.checked(date(2026, 1, 2), date(2026, 1, 1))
    assert Window.last(30, date(2026, 3, 30)).start == date(2026, 3, 1)


def test_past_twelve_sources_the_quietest_are_summed(archive: Archive) -> None:
    at = datetime(2026, 3, 1, 10, tzinfo=UTC)
    for n in range(MAX_SOURCES + 2):  # source-0 has 1 article, source-13 has 14
        for k in range(n + 1):
            put(archive, at, f"https://s{n}.example.com/{k}.html", f"source-{n:02d}", f"Story {k}", "Text.")
    put(archive, at, "https://ondemand.example.com/x.html", None, "Captured", "Text.")
    with archive.sessions() as session:
        found = source_activity(session, Window.last(7, date(2026, 3, 3)))
    assert len(found) == MAX_SOURCES
    assert [item.source for item in found[:3]] == ["source-13", "source-12", "source-11"]
    other = found[-1]
    # 15 groups (14 sources and the articles without one): 11 kept, 4 summed.
    assert other.source == "4 other sources" and not other.named
    assert other.articles == 1 + 1 + 2 + 3  # no source, source-00, -01, -02
    assert other.archived == {date(2026, 3, 1): 7}
    assert sum(item.articles for item in found) == sum(range(1, MAX_SOURCES + 3)) + 1


def test_days_are_utc_days_and_edits_count_on_the_day_found(archive: Archive) -> None:
    midnight = datetime(2026, 3, 2, tzinfo=UTC)
    put(archive, midnight - timedelta(microseconds=1), "https://a.example.com/1.html", "a", "One", "v1")
    put(archive, midnight, "https://a.example.com/2.html", "a", "Two", "v1")
    put(archive, midnight + timedelta(days=1, hours=23), "https://a.example.com/1.html", "a", "One", "v2")
    with archive.sessions() as session:
        assert latest_day(session) == date(2026, 3, 2)
        [item] = source_activity(session, Window.checked(date(2026, 3, 1), date(2026, 3, 3)), "a")
        # Outside the window, nothing is counted.
        assert source_activity(session, Window.checked(date(2026, 3, 4), date(2026, 3, 5))) == []
        assert source_activity(session, Window.last(3, date(2026, 3, 3)), NO_SOURCE) == []
    assert item.archived == {date(2026, 3, 1): 1, date(2026, 3, 2): 1}
    assert item.edits == {date(2026, 3, 3): 1}
    assert (item.articles, item.edited, item.share_edited) == (2, 1, 0.5)
    assert item.series("edits", Window.checked(date(2026, 3, 1), date(2026, 3, 3))) == [0, 0, 1]
