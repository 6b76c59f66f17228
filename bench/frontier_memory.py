"""Redis memory of the distributed frontier: bytes per queued request and per duplicate-filter fingerprint.

Run by hand (Redis required; nothing else):

    python bench/frontier_memory.py [--redis redis://127.0.0.1:6379/0] [--sizes 10000,100000] [--leased 1000]

Article requests go through the path a distributed worker uses: the
scheduler scrapy-redis builds from the project's own worker settings
(crawler/crawl/distributed/workers.py: scrapy_redis.scheduler.Scheduler,
RFPDupeFilter, our LeasedPriorityQueue, pickle serialization), opened on the
real RedisWorkerSpider, and `enqueue_request` for each one, as the engine
calls it (its Redis commands pipelined 1,000 at a time: same commands, same
bytes, no round trip each). Each request is built like the worker's `_queue` builds an
article request: a FetchContext, the source name, the feed's hints (title
and published date) and the source's headers. URLs and titles are the shared
evaluation set's real ones (1,023 pages from many publishers), made unique
with a counter, so their lengths are real news URLs' lengths.

Every size runs under a key prefix of its own (na-bench-frontier-<random>),
on an otherwise untouched server, and all of its keys are deleted at the end.
Memory is read twice: MEMORY USAGE of each key (SAMPLES 0: every element
counted; the figure to use, other clients cannot disturb it) and INFO
memory's used_memory before and after (includes allocator overhead; noisy
when other clients share the server). With --leased N, N requests are then
popped as leases (as workers hold them while fetching) and the lease keys
measured too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))
BATCH = 1000


@dataclass(frozen=True)
class Sample:
    url: str
    title: str


def samples(shared: Path) -> list[Sample]:
    """Real article URLs and titles of the shared evaluation sets."""
    found = []
    for truth in sorted(shared.glob("evaldata/*/truth.jsonl")):
        for line in truth.read_text().split("\n"):  # not splitlines: U+2028 occurs in bodies
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("url"):
                found.append(Sample(row["url"], row.get("title") or ""))
    if not found:
        raise SystemExit(f"no evaluation URLs under {shared}/evaldata (set NEWSARCHIVE_SHARED)")
    return found


def unique_url(sample: Sample, n: int) -> str:
    # A distinct URL per request, as long as the real one plus a short id
    # (in the query: a fragment is not part of the request's fingerprint).
    parts = urlsplit(sample.url)
    query = f"{parts.query}&n={n}" if parts.query else f"n={n}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


@dataclass
class Measured:
    requests: int
    queue_bytes: int
    dupefilter_bytes: int
    used_before: int
    used_after: int
    seconds: float
    mean_url: float
    leased: int = 0
    lease_bytes: int = 0

    @property
    def per_request(self) -> float:
        return self.queue_bytes / self.requests

    @property
    def per_fingerprint(self) -> float:
        return self.dupefilter_bytes / self.requests

    @property
    def per_request_info(self) -> float:
        return (self.used_after - self.used_before) / self.requests


def key_bytes(server: Any, key: str) -> int:
    return int(server.memory_usage(key, samples=0) or 0)


def open_worker(redis_url: str, prefix: str, home: Path) -> tuple[Any, Any]:
    """The scheduler a distributed worker opens, on the real worker spider (no crawl started)."""
    from scrapy.utils.test import get_crawler
    from scrapy_redis.scheduler import Scheduler

    from newsarchive.crawler.crawl.distributed.workers import worker_settings
    from newsarchive.crawler.crawl.spiders.redis_worker import RedisWorkerSpider

    settings = {
        **worker_settings(redis_url, prefix),
        "NEWSARCHIVE_HOME": str(home),
        "NEWSARCHIVE_DB": f"sqlite:///{home / 'archive.db'}",
    }
    crawler = get_crawler(RedisWorkerSpider, settings)
    spider = RedisWorkerSpider.from_crawler(crawler, sources=[])
    scheduler = Scheduler.from_crawler(crawler)
    scheduler.open(spider)
    return spider, scheduler


def article_request(spider: Any, sample: Sample, n: int, published: datetime) -> Any:
    """An article request as the worker's `_queue` builds it from a feed entry."""
    import scrapy

    from newsarchive.crawler.crawl.admission import entry_hints, source_headers
    from newsarchive.crawler.crawl.discovery import Discovered
    from newsarchive.crawler.crawl.items import FetchContext
    from newsarchive.crawler.crawl.responses import CONTEXT_KEY
    from newsarchive.crawler.crawl.sources import Source
    from newsarchive.crawler.crawl.spiders.redis_worker import SOURCE_KEY

    url = unique_url(sample, n)
    source = Source(name=f"source-{n % 10_000:05d}", feeds=("https://example.com/rss.xml",))
    entry = Discovered(url, via="feed", title=sample.title or None, published=published)
    return scrapy.Request(
        url,
        callback=spider.parse_article,
        errback=spider.article_failed,
        meta={
            CONTEXT_KEY: FetchContext(requested_url=url, via="crawl", source=source.name),
            SOURCE_KEY: source.name,
            "newsarchive_hints": entry_hints(entry),
        },
        headers=source_headers(source),
    )


def measure(redis_url: str, size: int, pool: list[Sample], leased: int) -> Measured:
    from newsarchive.crawler.crawl.distributed.redis_queue import LeaseKeys
    from newsarchive.crawler.crawl.distributed.workers import FrontierKeys, clear_frontier, connect

    prefix = f"na-bench-frontier-{uuid.uuid4().hex[:10]}"
    server = connect(redis_url)
    keys = FrontierKeys(prefix)
    published = datetime(2026, 12, 1, tzinfo=UTC)
    try:
        with tempfile.TemporaryDirectory(prefix="na-frontier-") as tmp:
            spider, scheduler = open_worker(redis_url, prefix, Path(tmp))
            used_before = int(server.info("memory")["used_memory"])
            began = time.perf_counter()
            url_chars = 0
            # The scheduler's own enqueue_request, its queue and duplicate
            # filter writing into a pipeline sent every BATCH requests: the
            # same commands and bytes, without a network round trip each
            # (on a loaded machine 100,000 round trips take half an hour).
            # Every request is counted in the queue and the filter below.
            direct = scheduler.queue.server
            for start in range(0, size, BATCH):
                pipe = direct.pipeline(transaction=False)
                scheduler.queue.server = scheduler.df.server = pipe
                for n in range(start, min(size, start + BATCH)):
                    request = article_request(
                        spider, pool[n % len(pool)], n, published + timedelta(seconds=n)
                    )
                    url_chars += len(request.url)
                    scheduler.enqueue_request(request)
                pipe.execute()
            scheduler.queue.server = scheduler.df.server = direct
            seconds = time.perf_counter() - began
            used_after = int(server.info("memory")["used_memory"])
            result = Measured(
                size,
                key_bytes(server, keys.requests),
                key_bytes(server, keys.dupefilter),
                used_before,
                used_after,
                seconds,
                url_chars / size,
            )
            if int(server.zcard(keys.requests)) != size or int(server.scard(keys.dupefilter)) != size:
                raise SystemExit(
                    "the queue or the duplicate filter does not hold every request (duplicate URLs?)"
                )
            if leased:
                queue = scheduler.queue
                for _ in range(leased):
                    queue.pop()
                lease = LeaseKeys(keys.requests)
                result.leased = leased
                result.lease_bytes = sum(
                    key_bytes(server, k) for k in (lease.leases, lease.scores, lease.deadlines)
                )
            scheduler.close("finished")
    finally:
        clear_frontier(server, prefix)
        server.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--sizes", default="10000,100000", help="requests to queue, one fresh frontier each")
    parser.add_argument("--leased", type=int, default=1000, help="requests then popped as leases (0: none)")
    args = parser.parse_args()
    pool = samples(SHARED)
    load = os.getloadavg()
    print(f"frontier memory on {args.redis} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(
        f"{'requests':>9} {'url chars':>9} {'queue B/req':>12} {'dupefilter B/fp':>16}"
        f" {'used_memory B/req':>18} {'lease B/each':>13} {'enqueue/s':>10}"
    )
    for size in (int(s) for s in args.sizes.split(",") if s):
        m = measure(args.redis, size, pool, min(args.leased, size))
        lease = f"{m.lease_bytes / m.leased:>13.0f}" if m.leased else f"{'-':>13}"
        print(
            f"{m.requests:>9,} {m.mean_url:>9.1f} {m.per_request:>12.0f} {m.per_fingerprint:>16.1f}"
            f" {m.per_request_info:>18.0f} {lease} {m.requests / m.seconds:>10,.0f}"
        )
    after = os.getloadavg()
    print(f"load average after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")


if __name__ == "__main__":
    main()
