"""The frontier walked with a cursor, and the crawl's window over it (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from newsarchive.crawler.crawl.frontier_feed import FrontierFeed
from newsarchive.storage.archive import Archive
from newsarchive.storage.crawl_state.frontier import Frontier, Queued
from newsarchive.storage.models import Article, Capture, FrontierEntry


def _queue(frontier: Frontier, source: str, count: int, start: int = 0) -> list[str]:
    urls = [f"https://ex.org/{source}/{n}" for n in range(start, start + count)]
    assert frontier.queue([Queued(u, source, "feed", {"via": "feed"}) for u in urls]) == urls
    return urls


def test_take_walks_the_frontier_in_order_counting_attempts(archive: Archive) -> None:
    frontier = Frontier(archive.sessions)
    a = _queue(frontier, "a", 5)
    _queue(frontier, "b", 3)
    first = frontier.take(["a"], 0, 3)
    assert [t.url for t in first] == a[:3]
    assert first[0].hints == {"via": "feed"} and first[0].source == "a"
    rest = frontier.take(["a"], first[-1].id, 10)
    assert [t.url for t in rest] == a[3:]
    assert frontier.take(["a"], rest[-1].id, 10) == []
    with archive.sessions() as session:
        attempts = dict(session.execute(select(FrontierEntry.url, FrontierEntry.attempts)).all())
    assert {attempts[u] for u in a} == {1}
    assert {v for u, v in attempts.items() if u not in a} == {0}  # source b was not taken
    assert frontier.last_id() == max(t.id for t in frontier.take(["a", "b"], 0, 100))
    assert frontier.count() == 8 and frontier.count("b") == 3
    # Already queued: left alone, and not reported as new.
    assert frontier.queue([Queued(a[0], "b", "page"), Queued("https://ex.org/new", "b", "page")]) == [
        "https://ex.org/new"
    ]


def test_the_feed_keeps_at_most_a_window_out(archive: Archive) -> None:
    frontier = Frontier(archive.sessions)
    feed = FrontierFeed(frontier, ["a"], window=4)
    urls = _queue(frontier, "a", 10)
    handed = [t.url for t in feed.next()]
    assert handed == urls[:4]
    assert feed.next() == []  # all four out
    assert feed.recorded(urls[0]) == "a"
    assert feed.recorded(urls[0]) is None  # once only
    assert feed.next() == []  # three out: more than half a window
    feed.recorded(urls[1])
    assert [t.url for t in feed.next()] == urls[4:6]  # two out: refilled to four
    assert [t.url for t in feed.next(force=True)] == []  # full
    assert feed.forget_all() == 4
    assert [t.url for t in feed.next()] == urls[6:10]
    assert not any(feed.resumed(t) for t in frontier.take(["a"], 0, 100))  # all queued after it started


def test_rows_left_by_an_earlier_run_come_first_and_archived_ones_are_dropped(archive: Archive) -> None:
    frontier = Frontier(archive.sessions)
    left = _queue(frontier, "a", 3)
    with archive.sessions.begin() as session:  # the killed run archived left[1] but never cleared its row
        article = Article(canonical_url=left[1], domain="ex.org", first_seen_at=datetime.now(UTC))
        session.add(article)
        session.flush()
        session.add(Capture(requested_url=left[1], article_id=article.id, outcome="new_article", via="crawl"))
    feed = FrontierFeed(frontier, ["a"], window=10)
    new = _queue(frontier, "a", 2, start=3)
    rows = feed.next()
    assert [t.url for t in rows] == [left[0], left[2], *new]
    assert [feed.resumed(t) for t in rows] == [True, True, False, False]
    assert [q.url for q in frontier.pending("a")] == [left[0], left[2], *new]  # the archived row is gone


def test_recent_robots_refusals_and_dropped_sources(archive: Archive) -> None:
    frontier = Frontier(archive.sessions)
    now = datetime.now(UTC)
    refused, later_failed, long_ago = "https://ex.org/private", "https://ex.org/moved", "https://ex.org/old"
    robots = "forbidden by robots.txt"
    with archive.sessions.begin() as session:
        session.add(
            Capture(requested_url=refused, outcome="skipped", error=robots, via="crawl", fetched_at=now)
        )
        session.add(
            Capture(requested_url=later_failed, outcome="skipped", error=robots, via="crawl", fetched_at=now)
        )
        session.add(
            Capture(
                requested_url=later_failed, outcome="failed", error="HTTP 404", via="crawl", fetched_at=now
            )
        )
        session.add(
            Capture(
                requested_url=long_ago,
                outcome="skipped",
                error=robots,
                via="crawl",
                fetched_at=now - timedelta(days=30),
            )
        )
    urls = [refused, later_failed, long_ago, "https://ex.org/never"]
    assert frontier.recently_refused(urls, robots, now - timedelta(days=7)) == {refused}

    _queue(frontier, "kept", 2)
    _queue(frontier, "gone", 3)
    assert frontier.drop_sources(["kept"]) == 3
    assert frontier.count("gone") == 0 and frontier.count("kept") == 2


def test_urls_queued_after_the_top_rows_were_done_are_still_handed_out(archive: Archive) -> None:
    # SQLite reuses a deleted top id unless the table says AUTOINCREMENT
    # (migration 0005): the cursor would then skip the new rows.
    frontier = Frontier(archive.sessions)
    feed = FrontierFeed(frontier, ["a"], window=4)
    first = _queue(frontier, "a", 4)
    assert [t.url for t in feed.next()] == first
    for url in first:
        feed.recorded(url)
    frontier.done(first)
    later = _queue(frontier, "a", 3, start=4)
    assert [t.url for t in feed.next(force=True)] == later
