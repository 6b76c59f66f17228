"""Redis for the distributed-crawl tests: a reachable server and a key prefix of one's own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import skip_or_fail

DEFAULT_TEST_REDIS = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True)
class RedisFrontier:
    url: str
    prefix: str  # unique per test; every key under it is deleted afterwards
    server: Any  # redis.Redis


@pytest.fixture(scope="session")
def redis_server() -> str:
    """The Redis URL, or a skip (a failure under CI) when unreachable or not installed."""
    url = os.environ.get("NEWSARCHIVE_TEST_REDIS") or DEFAULT_TEST_REDIS
    try:
        import redis
        import scrapy_redis  # noqa: F401
    except ImportError as exc:
        skip_or_fail(f"redis/scrapy-redis not installed (pip install -e '.[redis]'): {exc}")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis not reachable at {url} (set NEWSARCHIVE_TEST_REDIS): {exc}")
    return url


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[RedisFrontier]:
    import redis

    from newsarchive.crawler.crawl.distributed.workers import clear_frontier

    server = redis.Redis.from_url(redis_server)
    frontier = RedisFrontier(redis_server, f"na-test-{uuid.uuid4().hex[:12]}", server)
    try:
        yield frontier
    finally:
        clear_frontier(server, frontier.prefix)
        server.close()
