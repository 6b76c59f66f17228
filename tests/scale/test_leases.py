"""The leased request queue and start list on a real Redis: pop, acknowledge, renew, expire and requeue."""

from __future__ import annotations

import time

import pytest

from newsarchive.crawler.crawl.distributed.redis_queue import DocumentLeases, Leases
from newsarchive.crawler.crawl.distributed.workers import frontier_status
from tests.scale.conftest import RedisFrontier

pytestmark = pytest.mark.redis


def _leases(frontier: RedisFrontier, seconds: int = 60) -> Leases:
    return Leases(frontier.server, f"{frontier.prefix}:requests", seconds)


def test_a_pop_is_a_lease_until_acknowledged(redis_url: RedisFrontier) -> None:
    leases = _leases(redis_url)
    redis_url.server.zadd(leases.keys.queue, {b"a": 0, b"b": -10})
    token, data = leases.pop()
    assert data == b"b"  # lowest score first: scrapy-redis stores -priority
    assert (leases.queued(), leases.held()) == (1, 1)
    assert leases.ack([token]) == 1
    assert (leases.queued(), leases.held()) == (1, 0)
    assert leases.requeue_expired() == 0


def test_an_expired_lease_goes_back_with_its_priority(redis_url: RedisFrontier) -> None:
    leases = _leases(redis_url, seconds=1)
    redis_url.server.zadd(leases.keys.queue, {b"urgent": -10})
    token, _ = leases.pop()
    assert leases.requeue_expired() == 0  # still leased
    time.sleep(2.1)  # the lease is measured on Redis's clock, in whole seconds
    assert leases.requeue_expired() == 1
    assert redis_url.server.zscore(leases.keys.queue, b"urgent") == -10
    assert leases.held() == 0
    assert leases.ack([token]) == 0  # a late acknowledgement changes nothing


def test_renewing_keeps_a_lease(redis_url: RedisFrontier) -> None:
    leases = _leases(redis_url, seconds=2)
    redis_url.server.zadd(leases.keys.queue, {b"slow": 0})
    token, _ = leases.pop()
    for _ in range(3):
        time.sleep(1.1)
        assert leases.renew([token]) == 1
    assert leases.requeue_expired() == 0
    assert leases.held() == 1


def test_two_poppers_never_get_the_same_request(redis_url: RedisFrontier) -> None:
    first, second = _leases(redis_url), _leases(redis_url)
    redis_url.server.zadd(first.keys.queue, {f"r{i}".encode(): i for i in range(50)})
    got = []
    while True:
        a, b = first.pop(), second.pop()
        got += [p[1] for p in (a, b) if p]
        if not (a or b):
            break
    assert sorted(got) == sorted(f"r{i}".encode() for i in range(50))


def test_a_popped_document_is_leased_and_an_expired_one_comes_back_first(redis_url: RedisFrontier) -> None:
    starts = f"{redis_url.prefix}:start_urls"
    redis_url.server.rpush(starts, b"feed-1", b"feed-2")
    dead = DocumentLeases(redis_url.server, starts, seconds=1)
    token, data = dead.pop()
    assert data == b"feed-1"  # arrival order, as scrapy-redis reads the list
    assert (dead.queued(), dead.held()) == (1, 1)
    status = frontier_status(redis_url.server, redis_url.prefix)
    assert (status.start_urls, status.documents_leased, status.drained) == (1, 1, False)

    # The worker that popped it dies: nobody acknowledges, the lease runs out.
    assert dead.requeue_expired() == 0
    time.sleep(2.1)
    survivor = DocumentLeases(redis_url.server, starts, seconds=60)
    assert survivor.requeue_expired() == 1
    assert redis_url.server.lrange(starts, 0, -1) == [b"feed-1", b"feed-2"]
    assert dead.ack([token]) == 0  # too late: the document is someone else's now
    _, again = survivor.pop()
    assert again == b"feed-1" and survivor.held() == 1
