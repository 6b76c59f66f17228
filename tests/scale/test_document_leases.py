"""Discovery documents are leased from the start list like requests from the queue, on a real Redis.

A worker killed after popping a feed or sitemap, before its request reached
the shared queue, must not lose it: the lease runs out and another worker
takes the document.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from newsarchive.crawler.crawl.distributed.redis_queue import DOCUMENT_LEASE_KEY, LeasedPriorityQueue
from newsarchive.crawler.crawl.distributed.workers import (
    FrontierKeys,
    enqueue_sources,
    frontier_status,
    worker_settings,
)
from newsarchive.crawler.crawl.sources import Source
from newsarchive.crawler.crawl.spiders.redis_worker import RedisWorkerSpider
from newsarchive.storage.config import ArchiveConfig
from tests.scale.conftest import RedisFrontier

pytestmark = pytest.mark.redis
FEEDS = [f"http://127.0.0.1:9/feed-{n}.xml" for n in range(3)]


def _worker(frontier: RedisFrontier, home: Path, lease: int) -> tuple[RedisWorkerSpider, LeasedPriorityQueue]:
    """A worker spider and its leased queue, as the scheduler opens them, without a crawl."""
    config = ArchiveConfig(home=home, db_url=f"sqlite:///{home / 'a.db'}")
    settings = {
        **worker_settings(frontier.url, frontier.prefix),
        "NEWSARCHIVE_HOME": str(config.home),
        "NEWSARCHIVE_DB": config.db_url,
        "NEWSARCHIVE_REDIS_LEASE": lease,
    }
    crawler = get_crawler(RedisWorkerSpider, settings)
    spider = RedisWorkerSpider.from_crawler(crawler, sources=[])
    queue = LeasedPriorityQueue(frontier.server, spider, FrontierKeys(frontier.prefix).requests)
    return spider, queue


@pytest.fixture
def enqueued(redis_url: RedisFrontier) -> RedisFrontier:
    enqueue_sources(redis_url.server, [Source(name="s", feeds=FEEDS)], redis_url.prefix)
    return redis_url


def _urls(messages: list[bytes]) -> list[str]:
    return [json.loads(m)["url"] for m in messages]


def test_documents_are_popped_one_request_at_a_time_each_as_a_lease(
    enqueued: RedisFrontier, tmp_path: Path
) -> None:
    spider, queue = _worker(enqueued, tmp_path, lease=60)
    requests: Iterator[Any] = spider.next_requests()
    first = next(requests)
    # scrapy-redis would have taken the whole batch off the list by now.
    status = frontier_status(enqueued.server, enqueued.prefix)
    assert (status.start_urls, status.documents_leased) == (2, 1)
    assert first.url == FEEDS[0] and first.meta[DOCUMENT_LEASE_KEY] in queue.held_documents

    queue.push(first)  # what the scheduler does with it: the document is in the shared queue now
    status = frontier_status(enqueued.server, enqueued.prefix)
    assert (status.start_urls, status.documents_leased, status.queued) == (2, 0, 1)
    assert not queue.held_documents
    popped = queue.pop()
    assert popped is not None and popped.url == FEEDS[0]
    assert DOCUMENT_LEASE_KEY not in popped.meta  # the start lease did not travel into the queue


def test_a_document_popped_by_a_killed_worker_is_taken_over(enqueued: RedisFrontier, tmp_path: Path) -> None:
    dead_spider, _dead_queue = _worker(enqueued, tmp_path / "dead", lease=1)
    lost = [next(dead_spider.next_requests()).url]  # popped, then the process is killed: no push, no ack
    assert frontier_status(enqueued.server, enqueued.prefix).drained is False

    time.sleep(2.1)  # past the lease, on Redis's clock (whole seconds)
    spider, queue = _worker(enqueued, tmp_path / "alive", lease=60)
    queue.requeue_expired()  # what a live worker does a few times per lease period, and when idle
    taken = [request.url for request in spider.next_requests()]
    assert taken[:1] == lost and sorted(taken) == sorted(FEEDS)  # back first, nothing missing
    assert frontier_status(enqueued.server, enqueued.prefix).start_urls == 0


def test_an_idle_worker_ends_leases_of_documents_that_never_reached_the_queue(
    enqueued: RedisFrontier, tmp_path: Path
) -> None:
    spider, queue = _worker(enqueued, tmp_path, lease=60)
    dropped = list(spider.next_requests())  # e.g. refused by a spider middleware: never pushed
    assert len(dropped) == 3 and frontier_status(enqueued.server, enqueued.prefix).documents_leased == 3
    assert queue.work_pending()  # until then the worker waits for them, as for other workers' leases
    assert queue.release_documents() == 3
    assert frontier_status(enqueued.server, enqueued.prefix).drained


def test_a_message_that_is_not_a_document_is_not_kept_leased(
    redis_url: RedisFrontier, tmp_path: Path
) -> None:
    redis_url.server.rpush(FrontierKeys(redis_url.prefix).start_urls, b"not json")
    spider, queue = _worker(redis_url, tmp_path, lease=60)
    assert list(spider.next_requests()) == []
    assert not queue.held_documents and frontier_status(redis_url.server, redis_url.prefix).drained
