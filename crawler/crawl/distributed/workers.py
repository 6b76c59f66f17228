"""Many machines, one frontier: crawl workers sharing a Redis request queue, archiving to PostgreSQL.

    newsarchive enqueue --redis redis://host/0            # push each source's documents
    newsarchive crawl --redis redis://host/0  (N times)   # workers: fetch until the frontier is empty

Redis keys, all under one prefix (NEWSARCHIVE_REDIS_PREFIX, default
"newsarchive"), so several archives can share a server:

    <prefix>:start_urls            discovery documents, scrapy-redis JSON start requests (list)
    <prefix>:start_urls:leases, :deadlines
                                   documents a worker has popped and not yet queued
    <prefix>:requests              the shared request queue (sorted set, scrapy-redis)
    <prefix>:requests:leases, :lease-scores, :deadlines
                                   requests a worker has popped and not yet archived
    <prefix>:dupefilter            fingerprints of every request queued this pass

Guarantees: the duplicate filter admits a URL once per pass, so no URL is
queued (hence fetched) twice by the workers of a pass, except that a lease
outliving NEWSARCHIVE_REDIS_LEASE (a stalled or dead worker) is fetched
again; a dead worker's requests and documents are re-queued when their
leases expire;
the archive's unique constraints and retried transactions keep articles and
versions single however many workers record the same URL. A pass ends when
the start list, the queue and both kinds of lease are all empty; the next `enqueue`
then starts a new pass (a fresh duplicate filter).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.sources import Source

# A worker with nothing to do for this long (and nothing leased anywhere) ends its pass.
DEFAULT_IDLE_SECONDS = 30


@dataclass(frozen=True)
class FrontierKeys:
    prefix: str = defaults.NEWSARCHIVE_REDIS_PREFIX

    @property
    def start_urls(self) -> str:
        return f"{self.prefix}:start_urls"

    @property
    def requests(self) -> str:
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.prefix}:dupefilter"


def worker_settings(
    redis_url: str, prefix: str = defaults.NEWSARCHIVE_REDIS_PREFIX, idle_seconds: int = DEFAULT_IDLE_SECONDS
) -> dict[str, Any]:
    """Scrapy settings that make a crawl process a worker on the shared frontier."""
    keys = FrontierKeys(prefix)
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "newsarchive.crawler.crawl.distributed.redis_queue.LeasedPriorityQueue",
        # Never flush on close: the first worker to finish would wipe the
        # queue and the duplicate filter under the others.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "REDIS_START_URLS_KEY": keys.start_urls,
        # Without it an idle scrapy-redis worker never exits.
        "MAX_IDLE_TIME_BEFORE_CLOSE": idle_seconds,
        "NEWSARCHIVE_REDIS_PREFIX": prefix,
    }


def connect(redis_url: str) -> Any:
    import redis

    return redis.Redis.from_url(redis_url)


@dataclass
class FrontierStatus:
    start_urls: int
    documents_leased: int
    queued: int
    leased: int
    expired: int  # leases of either kind past their deadline: a dead worker's
    seen: int

    @property
    def drained(self) -> bool:
        return not (self.start_urls or self.documents_leased or self.queued or self.leased)


def frontier_status(server: Any, prefix: str = defaults.NEWSARCHIVE_REDIS_PREFIX) -> FrontierStatus:
    """What to monitor: documents waiting and leased, requests queued and leased (expired leases), URLs seen."""
    from newsarchive.crawler.crawl.distributed.redis_queue import LeaseKeys

    keys = FrontierKeys(prefix)
    requests, documents = LeaseKeys(keys.requests), LeaseKeys(keys.start_urls)
    now = server.time()[0]
    return FrontierStatus(
        start_urls=int(server.llen(keys.start_urls)),
        documents_leased=int(server.zcard(documents.deadlines)),
        queued=int(server.zcard(keys.requests)),
        leased=int(server.zcard(requests.deadlines)),
        expired=sum(int(server.zcount(k.deadlines, "-inf", now)) for k in (requests, documents)),
        seen=int(server.scard(keys.dupefilter)),
    )


def enqueue_sources(
    server: Any, sources: Sequence[Source], prefix: str = defaults.NEWSARCHIVE_REDIS_PREFIX
) -> int:
    """Push the sources' discovery documents for the workers; returns how many.

    On a drained frontier this starts a new pass: the duplicate filter of
    the last one is dropped, so articles can be queued again (those already
    archived are skipped by the workers, and left to `revisit`).
    """
    from newsarchive.crawler.crawl.spiders.redis_worker import start_request_json

    keys = FrontierKeys(prefix)
    if frontier_status(server, prefix).drained:
        server.delete(keys.dupefilter)
    messages = []
    for source in sources:
        messages += [start_request_json(u, source.name, "feed") for u in source.feeds]
        messages += [start_request_json(u, source.name, "sitemap") for u in source.sitemaps]
        messages += [start_request_json(u, source.name, "page") for u in source.pages]
        if source.robots_sitemaps:
            origins = {_origin(u) for u in (*source.feeds, *source.sitemaps, *source.pages)}
            messages += [
                start_request_json(o + "/robots.txt", source.name, "robots") for o in sorted(origins)
            ]
    if messages:
        server.rpush(keys.start_urls, *messages)
    return len(messages)


def clear_frontier(server: Any, prefix: str = defaults.NEWSARCHIVE_REDIS_PREFIX) -> int:
    """Drop every key of this frontier (tests, or starting over by hand)."""
    names = list(server.scan_iter(match=f"{prefix}:*"))
    return int(server.delete(*names)) if names else 0


def worker_pass(
    archive: Any,
    sources: Sequence[Source],
    redis_url: str,
    overrides: dict[str, Any],
    prefix: str = defaults.NEWSARCHIVE_REDIS_PREFIX,
    idle_seconds: int = DEFAULT_IDLE_SECONDS,
) -> Any:
    """Work on the shared frontier until it is drained, recorded as one CrawlRun of this worker."""
    from newsarchive.crawler.crawl.admission import why_nothing
    from newsarchive.crawler.crawl.crawling import FETCH_OUTCOMES, PassReport, _run, _status, source_settings
    from newsarchive.crawler.crawl.runner import build_settings
    from newsarchive.crawler.crawl.spiders.redis_worker import RedisWorkerSpider
    from newsarchive.storage.crawl_state.crawl_runs import finish_run, mark_interrupted, start_run

    prefix = str(overrides.get("NEWSARCHIVE_REDIS_PREFIX") or prefix)
    idle_seconds = int(overrides.get("MAX_IDLE_TIME_BEFORE_CLOSE") or idle_seconds)
    mark_interrupted(archive.sessions)
    run_id = start_run(archive.sessions, "crawl", [s.name for s in sources], worker=True)
    throttle = overrides.get("AUTOTHROTTLE_ENABLED") not in (False, "False", "0", "false")
    settings = build_settings(
        archive.config,
        {
            **source_settings(sources, throttle),
            **worker_settings(redis_url, prefix, idle_seconds),
            "NEWSARCHIVE_CRAWL_RUN_ID": run_id,
            **overrides,
        },
    )
    report = PassReport(run_id, "failed")
    try:
        spider, stats, _results = _run(RedisWorkerSpider, settings, "worker", sources=list(sources))
        report.status = _status(stats)
        for name, counts in (spider.counts if spider is not None else {}).items():
            counts["fetched"] = sum(counts[k] for k in FETCH_OUTCOMES)
            report.per_source[name or "(unknown)"] = Counter(counts)
            report.totals.update(counts)
            # The documents this worker read listed links none of which could be
            # taken: the same rule, and message, as a plain crawl's.
            problem = why_nothing(counts, spider.admission.offsite.get(name))
            if problem is not None:
                report.failed_sources.append(name or "(unknown)")
                report.source_problems[name or "(unknown)"] = problem
    finally:
        finish_run(archive.sessions, run_id, report.status, {**report.as_dict(), "worker": True})
    return report


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
