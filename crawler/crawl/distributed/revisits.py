"""Revisits on Redis workers: one coordinator queues the due articles, every worker fetches its share.

    newsarchive revisit --redis redis://host/0    # on any number of machines, at once or not

Each such process first coordinates: if the revisit queue is drained and no
other process holds the coordinator lock, it takes the lock, runs the
due-article selection once and queues the result (idempotently, by article
id: see revisit_queue.py). Then it works on the queue until it has been
empty, with no lease out anywhere, for MAX_IDLE_TIME_BEFORE_CLOSE seconds.
`--queue-only` coordinates without working (the scheduler's revisit job in
Redis mode).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.distributed.revisit_queue import RevisitQueue, RevisitQueueStatus
from newsarchive.crawler.crawl.sources import Source
from newsarchive.storage.crawl_state.revisit_due import DueArticle

# The coordinator lock's lifetime: longer than any selection takes (the
# benchmark measures it), short enough that a coordinator killed while
# holding it does not hold up the next pass for long.
COORDINATOR_SECONDS = 600.0


@dataclass(frozen=True)
class Coordination:
    selected: bool  # this process ran the selection
    queued: int  # articles it added to the queue (those already pending not counted)
    status: RevisitQueueStatus  # the queue afterwards
    why: str  # one line for the user


def politeness_gaps(sources: Sequence[Source], settings: Any) -> Callable[[DueArticle], float]:
    """Seconds between two hand-outs of a domain: its source's `delay`, else DOWNLOAD_DELAY.

    Applied by Redis across all workers together, on top of each worker's own
    per-host delay; with throttling off (--no-throttle) the sources' delays go too.
    """
    # As a local pass's download slots (crawling.source_settings): no source delays unthrottled.
    throttle = settings.getbool("AUTOTHROTTLE_ENABLED", True)
    delays = {s.name: s.delay for s in sources if s.delay is not None} if throttle else {}
    default = settings.getfloat("DOWNLOAD_DELAY", defaults.DOWNLOAD_DELAY)

    def gap(due: DueArticle) -> float:
        delay = delays.get(due.source or "")
        return float(delay) if delay is not None else default

    return gap


def coordinate(
    queue: RevisitQueue,
    select: Callable[[], Sequence[DueArticle]],
    gap: Callable[[DueArticle], float],
    *,
    force: bool = False,
) -> Coordination:
    """Run the selection once for this pass and queue what it finds, unless a pass is already under way.

    force: queue the selection even if a pass is under way (articles named
    on the command line; queueing stays idempotent by article id).
    """
    status = queue.status()
    if not force and not status.drained:
        return Coordination(False, 0, status, f"joining the revisit pass under way ({_describe(status)})")
    token = queue.try_coordinate(COORDINATOR_SECONDS)
    if token is None:
        # Another process is selecting right now: it queues; this one waits and then works.
        while queue.coordinator_busy():
            time.sleep(0.2)
        status = queue.status()
        return Coordination(False, 0, status, f"another process queued this pass ({_describe(status)})")
    try:
        if not force and not queue.status().drained:  # queued by another between our look and the lock
            status = queue.status()
            return Coordination(False, 0, status, f"joining the revisit pass under way ({_describe(status)})")
        added = queue.enqueue(select(), gap)
    finally:
        queue.release_coordinator(token)
    status = queue.status()
    return Coordination(True, added, status, f"queued {added} due article(s) for the workers")


def _describe(status: RevisitQueueStatus) -> str:
    return f"{status.queued} queued, {status.leased} leased"


def revisit_worker_pass(
    archive: Any,
    queue: RevisitQueue,
    sources: Sequence[Source],
    overrides: dict[str, Any],
    idle_seconds: float,
) -> Any:
    """Work on the revisit queue until it is drained, recorded as one CrawlRun ("revisit", worker)."""
    from newsarchive.crawler.crawl.crawling import FETCH_OUTCOMES, PassReport, _finish, _run, _status
    from newsarchive.crawler.crawl.crawling import _pass_settings as pass_settings
    from newsarchive.crawler.crawl.disk_full import stop_message
    from newsarchive.crawler.crawl.spiders.revisit_worker import RevisitWorkerSpider
    from newsarchive.storage.crawl_state.crawl_runs import mark_interrupted, start_run

    mark_interrupted(archive.sessions)
    run_id = start_run(archive.sessions, "revisit", [s.name for s in sources], worker=True)
    settings = pass_settings(archive, sources, "revisit", run_id, overrides)
    report = PassReport(run_id, "failed")
    try:
        spider, stats, outcomes = _run(
            RevisitWorkerSpider, settings, "revisit worker", queue=queue, idle_seconds=idle_seconds
        )
        report.status = _status(stats)
        report.error = stop_message(stats.get("finish_reason"))
        report.totals.update(Counter(outcomes))
        report.totals["fetched"] = sum(report.totals[k] for k in FETCH_OUTCOMES)
        if spider is not None and spider.released:
            report.totals["unrecorded"] += spider.released
    finally:
        _finish(archive, run_id, report, report.error)
    return report
