"""One crawl or revisit pass in this process: settings, the CrawlRun row, progress and summary.

The CLI commands are thin wrappers over `crawl_pass` and `revisit_pass`. A
pass runs Scrapy, so it can run once per process (the reactor cannot restart).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newsarchive.crawler.crawl import stopping
from newsarchive.crawler.crawl.admission import why_nothing
from newsarchive.crawler.crawl.disk_full import MESSAGES as UNWRITABLE_MESSAGES
from newsarchive.crawler.crawl.disk_full import stop_message, unwritable
from newsarchive.crawler.crawl.runner import build_settings, run_spider
from newsarchive.crawler.crawl.sources import Source
from newsarchive.storage.archive import Archive
from newsarchive.storage.crawl_state.crawl_runs import (
    BusyRun,
    finish_run,
    mark_interrupted,
    start_crawl_run,
    start_run,
)
from newsarchive.storage.crawl_state.revisit_due import DueArticle
from newsarchive.storage.db import refresh_statistics
from newsarchive.storage.write.service import CaptureResult

# What --no-throttle sets: for a benchmark or test host you own, never for a real site.
NO_THROTTLE = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "NEWSARCHIVE_RETRY_BACKOFF": 0,
    "NEWSARCHIVE_RETRY_MAX_WAIT": 1,
}
SUMMARY_KEYS = (
    "discovered",
    "already_archived",
    "resumed",
    "queued",
    "fetched",
    "new_article",
    "new_version",
    "unchanged",
    "not_modified",
    "gone",
    "failed",
    "skipped",
    "walled",
    "unrecorded",
)
# "unrecorded": fetched, but the archive could not record even a failure (its URL stays queued).
# "walled": a wall or junk page in place of the article (recorded, never a version).
FETCH_OUTCOMES = ("new_article", "new_version", "unchanged", "not_modified", "gone", "failed", "walled")


def source_settings(sources: Sequence[Source], throttle: bool = True) -> dict[str, Any]:
    """Scrapy settings from the sources' own politeness and revisit options."""
    slots: dict[str, dict[str, Any]] = {}
    for source in sources:
        options: dict[str, Any] = {}
        if source.delay is not None and throttle:
            options["delay"] = source.delay
        if source.concurrency is not None:
            options["concurrency"] = source.concurrency
        if options:
            # Scrapy's download slots are keyed by host name: the documents' hosts
            # and the ones the source names (article hosts known in advance).
            for host in source.document_hosts | set(source.hosts):
                slots[host] = {**slots.get(host, {}), **options}
    schedules = {
        s.name: [[step.younger_than.total_seconds(), step.every.total_seconds()] for step in s.revisit]
        for s in sources
        if s.revisit
    }
    return {"DOWNLOAD_SLOTS": slots, "NEWSARCHIVE_REVISIT_SCHEDULES": schedules}


@dataclass
class PassReport:
    run_id: int
    status: str  # "finished", "interrupted", "failed"
    totals: Counter[str] = field(default_factory=Counter)
    per_source: dict[str, Counter[str]] = field(default_factory=dict)
    failed_sources: list[str] = field(default_factory=list)
    # Why a failed source archived nothing although its discovery found links.
    source_problems: dict[str, str] = field(default_factory=dict)
    # Sources left out because another live crawl is working on them.
    busy: dict[str, BusyRun] = field(default_factory=dict)
    error: str | None = None  # why the pass stopped early (a full disk), one line

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "totals": {k: self.totals.get(k, 0) for k in SUMMARY_KEYS},
            "sources": {name: dict(c) for name, c in self.per_source.items()},
            "failed_sources": self.failed_sources,
            "source_problems": self.source_problems,
            "error": self.error,
            "busy_sources": {
                name: {
                    "run_id": b.run_id,
                    "pid": b.pid,
                    "host": b.host,
                    "started_at": b.started_at.isoformat(),
                }
                for name, b in self.busy.items()
            },
        }


class _Progress:
    """A live line on stderr while a terminal watches; nothing otherwise (cron, pipes)."""

    def __init__(self, label: str) -> None:
        self.counts: Counter[str] = Counter()
        self.progress: Any = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn

            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.progress.add_task(label)
            self.label = label
            self.progress.start()

    def update(self, result: CaptureResult) -> None:
        self.counts[result.outcome] += 1
        if self.progress is not None:
            text = " ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(self.counts.items()))
            self.progress.update(self.task, description=f"{self.label}: {text}")

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _run(
    spider_cls: type, settings: Any, label: str, **kwargs: Any
) -> tuple[Any, dict[str, Any], Counter[str]]:
    """Run a pass's spider; returns it, Scrapy's stats and the count of each capture outcome."""
    progress = _Progress(label)
    try:
        report = run_spider(spider_cls, settings, on_result=progress.update, keep_results=False, **kwargs)
    finally:
        progress.stop()
    return report.spider, report.stats, report.outcomes


def _unrecorded(report: PassReport, stats: dict[str, Any]) -> None:
    """Fetches the archive could not record: counted, and the run fails saying how many."""
    from newsarchive.crawler.crawl.pipeline.archive_pipeline import UNRECORDED_STAT

    unrecorded = int(stats.get(UNRECORDED_STAT) or 0)
    if not unrecorded:
        return
    report.totals["unrecorded"] = unrecorded
    if report.status == "finished":
        report.status = "failed"
    report.error = report.error or (
        f"{unrecorded} fetched page(s) could not be recorded (the database refused the writes, "
        "failures included); the next run fetches them again"
    )


def _status(stats: dict[str, Any]) -> str:
    reason = stats.get("finish_reason")
    if reason == "finished":
        return "finished"
    # Stopped by a signal, whatever Scrapy was doing then (starting, or a second, forcing signal).
    return "interrupted" if reason == "shutdown" or stopping.requested() is not None else "failed"


def _pass_settings(
    archive: Archive, sources: Sequence[Source], via: str, run_id: int, overrides: dict[str, Any]
) -> Any:
    """Scrapy settings of one pass: the sources' politeness, how captures are recorded, the user's -s."""
    throttle = overrides.get("AUTOTHROTTLE_ENABLED") not in (False, "False", "0", "false")
    return build_settings(
        archive.config,
        {
            **source_settings(sources, throttle),
            "NEWSARCHIVE_CRAWL_RUN_ID": run_id,
            **overrides,
        },
    )


def crawl_pass(archive: Archive, sources: Sequence[Source], overrides: dict[str, Any]) -> PassReport:
    """Discover and fetch new articles of these sources, recorded as one CrawlRun."""
    from newsarchive.crawler.crawl.spiders.source import SourceSpider

    mark_interrupted(archive.sessions)
    run_id, busy = start_crawl_run(archive.sessions, [s.name for s in sources])
    report = PassReport(run_id, "failed", busy=busy)
    sources = [s for s in sources if s.name not in busy]
    if not sources:  # every source is being crawled by another run: nothing to do here
        report.status = "finished"
        finish_run(archive.sessions, run_id, report.status, report.as_dict())
        return report
    settings = _pass_settings(archive, sources, "crawl", run_id, overrides)
    try:
        spider, stats, outcomes = _run(SourceSpider, settings, "crawl", sources=list(sources))
        report.status = _status(stats)
        report.error = stop_message((stats or {}).get("finish_reason"))
        for name, counts in (spider.counts if spider is not None else {}).items():
            counts["fetched"] = sum(counts[k] for k in FETCH_OUTCOMES)
            report.per_source[name] = counts
            report.totals.update(counts)
            documents_ok = counts["documents"] - counts["documents_failed"]
            problem = why_nothing(counts, spider.admission.offsite.get(name))
            if counts["documents"] and documents_ok <= 0 and not counts["fetched"]:
                report.failed_sources.append(name)
            elif problem is not None:
                # Links found and none archived: as failed as an unreadable feed.
                report.failed_sources.append(name)
                report.source_problems[name] = problem
        report.totals["skipped"] = outcomes["skipped"]
        _unrecorded(report, stats or {})
        if (
            report.status == "finished"
            and report.failed_sources
            and len(report.failed_sources) == len(sources)
        ):
            report.status = "failed"
    finally:
        if stopping.requested() is not None and report.status == "failed":
            report.status = "interrupted"  # a second signal cut it short: still a stop, not a failure
        error = f"sources failed: {', '.join(report.failed_sources)}" if report.failed_sources else None
        _finish(archive, run_id, report, report.error or error)
    return report


def _finish(archive: Archive, run_id: int, report: PassReport, error: str | None) -> None:
    """Close the run's row; on a full disk that may fail too, and the run is then
    marked interrupted by the next crawl (its heartbeat stops), as after a crash."""
    try:
        finish_run(archive.sessions, run_id, report.status, report.as_dict(), error)
        refresh_statistics(archive.engine)
    except Exception as exc:
        reason = unwritable(exc)
        if reason is None:
            raise
        report.status = "failed"
        report.error = report.error or UNWRITABLE_MESSAGES[reason]


def revisit_pass(
    archive: Archive, due: Sequence[DueArticle], sources: Sequence[Source], overrides: dict[str, Any]
) -> PassReport:
    """Fetch these due articles again, recorded as one CrawlRun of kind "revisit"."""
    from newsarchive.crawler.crawl.spiders.revisit import RevisitSpider

    mark_interrupted(archive.sessions)
    names = sorted({d.source for d in due if d.source})
    run_id = start_run(archive.sessions, "revisit", names)
    settings = _pass_settings(archive, sources, "revisit", run_id, overrides)
    report = PassReport(run_id, "failed")
    try:
        if due:
            _, stats, outcomes = _run(RevisitSpider, settings, "revisit", due=list(due))
            report.status = _status(stats)
            report.error = stop_message(stats.get("finish_reason"))
        else:
            outcomes, report.status = Counter(), "finished"
        report.totals.update(outcomes)
        report.totals["fetched"] = sum(report.totals[k] for k in FETCH_OUTCOMES)
        report.totals["queued"] = len(due)
        if due:
            _unrecorded(report, stats)
    finally:
        if stopping.requested() is not None and report.status == "failed":
            report.status = "interrupted"
        _finish(archive, run_id, report, report.error)
    return report
