"""Crawl-run rules: which runs are alive, and which sources a starting crawl must leave alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from newsarchive.storage.archive import Archive
from newsarchive.storage.crawl_state.crawl_runs import (
    SILENT_AFTER,
    STALE_AFTER,
    finish_run,
    heartbeat,
    mark_interrupted,
    start_crawl_run,
    start_run,
)
from newsarchive.storage.models import CrawlRun


def _run(archive: Archive, run_id: int) -> CrawlRun:
    with archive.sessions() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        return run


def _move(archive: Archive, run_id: int, **values: object) -> None:
    with archive.sessions.begin() as session:
        session.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(**values))


def test_a_crawl_leaves_out_the_sources_a_live_crawl_holds(archive: Archive) -> None:
    first, busy = start_crawl_run(archive.sessions, ["bbc", "dw"])
    assert busy == {}
    second, busy = start_crawl_run(archive.sessions, ["dw", "ap"])
    assert set(busy) == {"dw"} and busy["dw"].run_id == first
    assert _run(archive, second).sources == ["ap"]  # the row lists what it took
    # A third sees both: "ap" is held now too.
    _, busy = start_crawl_run(archive.sessions, ["ap", "bbc", "rt"])
    assert {name: b.run_id for name, b in busy.items()} == {"ap": second, "bbc": first}


def test_finished_interrupted_revisit_and_worker_runs_hold_nothing(archive: Archive) -> None:
    done, _ = start_crawl_run(archive.sessions, ["bbc"])
    finish_run(archive.sessions, done, "finished", {})
    dead, _ = start_crawl_run(archive.sessions, ["dw"])
    finish_run(archive.sessions, dead, "interrupted", {})
    start_run(archive.sessions, "revisit", ["ap"])
    # Distributed workers share their sources through Redis, by design.
    start_run(archive.sessions, "crawl", ["rt"], worker=True)
    _, busy = start_crawl_run(archive.sessions, ["bbc", "dw", "ap", "rt"])
    assert busy == {}


def test_a_run_on_another_host_is_dead_once_its_heartbeat_stops(archive: Archive) -> None:
    now = datetime.now(UTC)
    beating, _ = start_crawl_run(archive.sessions, ["bbc"])
    silent, _ = start_crawl_run(archive.sessions, ["dw"])
    old, _ = start_crawl_run(archive.sessions, ["ap"])
    for run_id in (beating, silent, old):
        with archive.sessions.begin() as session:
            run = session.get(CrawlRun, run_id)
            assert run is not None
            run.stats = {"pid": 12345, "host": "elsewhere.example"}
    _move(archive, beating, heartbeat_at=now - SILENT_AFTER / 2)
    _move(archive, silent, heartbeat_at=now - SILENT_AFTER - timedelta(minutes=1))
    # From before heartbeats: only its age tells.
    _move(archive, old, heartbeat_at=None, started_at=now - STALE_AFTER - timedelta(minutes=1))
    assert sorted(mark_interrupted(archive.sessions, now)) == sorted([silent, old])
    assert _run(archive, beating).status == "running"
    _, busy = start_crawl_run(archive.sessions, ["bbc", "dw", "ap"])
    assert set(busy) == {"bbc"}


def test_heartbeat_moves_forward(archive: Archive) -> None:
    run_id, _ = start_crawl_run(archive.sessions, ["bbc"])
    started = _run(archive, run_id).heartbeat_at
    assert started is not None
    _move(archive, run_id, heartbeat_at=started - timedelta(minutes=5))
    heartbeat(archive.sessions, run_id)
    beat = _run(archive, run_id).heartbeat_at
    assert beat is not None and beat >= started
