"""A scrapy-redis request queue whose pops are leases, so a dead worker's requests come back.

scrapy-redis pops a request from the shared sorted set and forgets it: if
the worker dies before the fetch is archived, the request is gone, and the
shared duplicate filter (which saw its fingerprint when it was queued) keeps
it from ever being queued again. Here a pop atomically moves the request
into a lease (`<queue>:leases` hash, with its score, and a deadline in the
`<queue>:deadlines` sorted set, taken from the Redis server's clock so
workers' clocks do not matter). The worker acknowledges the lease once the
fetch is recorded in the archive (or the document's links are queued); a
live worker renews the leases it holds; any worker puts expired leases back
in the queue with their priority. So a request is fetched at least once; it
is fetched twice only if a worker stalls past the lease time (or dies after
recording but before acknowledging), and the archive's unique constraints
make that repeat harmless (one more capture row, never a second article or
version).

Discovery documents (feeds, sitemaps, section pages) wait in the start list
(a Redis list, scrapy-redis's start URLs) and are leased the same way: a pop
moves the message into `<start list>:leases`, and the lease ends when the
document's request is in the shared queue (where it is leased again, until
its links are queued). A worker killed in between, for instance with a batch
of documents still waiting in its start-request iterator, leaves leases that
expire and put the messages back at the head of the start list.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from scrapy import Request
from scrapy_redis.queue import PriorityQueue

from newsarchive.crawler.crawl import settings as defaults

LEASE_KEY = "newsarchive_lease"
DOCUMENT_LEASE_KEY = "newsarchive_document_lease"

# KEYS: queue, leases, scores, deadlines. ARGV: token, lease seconds.
_POP = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
local now = redis.call('TIME')
redis.call('HSET', KEYS[2], ARGV[1], item[1])
redis.call('HSET', KEYS[3], ARGV[1], item[2])
redis.call('ZADD', KEYS[4], tonumber(now[1]) + tonumber(ARGV[2]), ARGV[1])
return item[1]
"""
# The start list is a Redis list: KEYS: list, leases, scores (unused), deadlines. ARGV: token, lease seconds.
_POP_LIST = """
local item = redis.call('LPOP', KEYS[1])
if not item then return false end
local now = redis.call('TIME')
redis.call('HSET', KEYS[2], ARGV[1], item)
redis.call('ZADD', KEYS[4], tonumber(now[1]) + tonumber(ARGV[2]), ARGV[1])
return item
"""
# KEYS: leases, scores, deadlines. ARGV: tokens.
_ACK = """
local n = 0
for _, token in ipairs(ARGV) do
  n = n + redis.call('ZREM', KEYS[3], token)
  redis.call('HDEL', KEYS[1], token)
  redis.call('HDEL', KEYS[2], token)
end
return n
"""
# KEYS: deadlines. ARGV: lease seconds, tokens. Only leases still held are renewed (XX).
_RENEW = """
local now = redis.call('TIME')
local n = 0
for i = 2, #ARGV do
  n = n + redis.call('ZADD', KEYS[1], 'XX', 'CH', tonumber(now[1]) + tonumber(ARGV[1]), ARGV[i])
end
return n
"""
# KEYS: queue, leases, scores, deadlines. ARGV: max count.
_REQUEUE = """
local now = redis.call('TIME')
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now[1], 'LIMIT', 0, tonumber(ARGV[1]))
for _, token in ipairs(expired) do
  local data = redis.call('HGET', KEYS[2], token)
  local score = redis.call('HGET', KEYS[3], token)
  if data then redis.call('ZADD', KEYS[1], score or 0, data) end
  redis.call('HDEL', KEYS[2], token)
  redis.call('HDEL', KEYS[3], token)
  redis.call('ZREM', KEYS[4], token)
end
return #expired
"""
# KEYS: list, leases, scores (unused), deadlines. ARGV: max count. Back at the head: first out again.
_REQUEUE_LIST = """
local now = redis.call('TIME')
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now[1], 'LIMIT', 0, tonumber(ARGV[1]))
for _, token in ipairs(expired) do
  local data = redis.call('HGET', KEYS[2], token)
  if data then redis.call('LPUSH', KEYS[1], data) end
  redis.call('HDEL', KEYS[2], token)
  redis.call('ZREM', KEYS[4], token)
end
return #expired
"""


class LeaseKeys:
    """The Redis keys of one queue and its leases."""

    def __init__(self, queue_key: str) -> None:
        self.queue = queue_key
        self.leases = f"{queue_key}:leases"
        self.scores = f"{queue_key}:lease-scores"
        self.deadlines = f"{queue_key}:deadlines"

    def all(self) -> list[str]:
        return [self.queue, self.leases, self.scores, self.deadlines]


class Leases:
    """Lease operations on the request queue (a sorted set): usable by workers and by monitoring alike."""

    pop_script = _POP
    requeue_script = _REQUEUE

    def __init__(self, server: Any, queue_key: str, seconds: int = defaults.NEWSARCHIVE_REDIS_LEASE) -> None:
        self.server = server
        self.keys = LeaseKeys(queue_key)
        self.seconds = seconds
        self._pop = server.register_script(self.pop_script)
        self._ack = server.register_script(_ACK)
        self._renew = server.register_script(_RENEW)
        self._requeue = server.register_script(self.requeue_script)

    def pop(self) -> tuple[str, bytes] | None:
        token = uuid.uuid4().hex
        data = self._pop(keys=self.keys.all(), args=[token, self.seconds])
        return (token, data) if data else None

    def ack(self, tokens: Iterable[str]) -> int:
        tokens = list(tokens)
        if not tokens:
            return 0
        k = self.keys
        return int(self._ack(keys=[k.leases, k.scores, k.deadlines], args=tokens))

    def renew(self, tokens: Iterable[str]) -> int:
        tokens = list(tokens)
        if not tokens:
            return 0
        return int(self._renew(keys=[self.keys.deadlines], args=[self.seconds, *tokens]))

    def requeue_expired(self, limit: int = 1000) -> int:
        """Put the requests of expired leases back in the queue (atomic: two workers never both do)."""
        return int(self._requeue(keys=self.keys.all(), args=[limit]))

    def held(self) -> int:
        return int(self.server.zcard(self.keys.deadlines))

    def queued(self) -> int:
        return int(self.server.zcard(self.keys.queue))


class DocumentLeases(Leases):
    """The same leases on the start list of discovery documents (a Redis list, in arrival order)."""

    pop_script = _POP_LIST
    requeue_script = _REQUEUE_LIST

    def queued(self) -> int:
        return int(self.server.llen(self.keys.queue))


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue (SCHEDULER_QUEUE_CLASS), popping into leases.

    The lease token travels in request.meta (kept across redirects and
    retries); the worker spider acknowledges it. Tokens this process holds
    are in `held`, for renewal. The spider's start list (its `redis_key`) is
    leased through `documents`, with the tokens this process holds in
    `held_documents`.
    """

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        seconds = spider.crawler.settings.getint("NEWSARCHIVE_REDIS_LEASE", defaults.NEWSARCHIVE_REDIS_LEASE)
        self.leases = Leases(server, self.key, seconds)
        self.held: set[str] = set()
        self.documents = DocumentLeases(server, spider.redis_key, seconds)
        self.held_documents: set[str] = set()
        spider.lease_queue = self  # the worker spider acknowledges and renews through it

    def pop(self, timeout: int = 0) -> Request | None:
        popped = self.leases.pop()
        if popped is None:
            return None
        token, data = popped
        request = self._decode_request(data)
        request.meta[LEASE_KEY] = token
        self.held.add(token)
        return request

    def push(self, request: Request) -> None:
        # A redirect or retry of a leased request, or a document's first
        # request: once it is in the queue it stands for the original's work
        # (or the start message), so that lease ends.
        token = request.meta.pop(LEASE_KEY, None)
        document = request.meta.pop(DOCUMENT_LEASE_KEY, None)
        super().push(request)
        self.ack(token)
        self.ack_document(document)

    def ack(self, token: str | None) -> None:
        if token and token in self.held:
            self.held.discard(token)
            self.leases.ack([token])

    def pop_document(self) -> tuple[str, bytes] | None:
        """The next start message as (lease token, data), or None when the start list is empty."""
        popped = self.documents.pop()
        if popped is not None:
            self.held_documents.add(popped[0])
        return popped

    def ack_document(self, token: str | None) -> None:
        if token and token in self.held_documents:
            self.held_documents.discard(token)
            self.documents.ack([token])

    def release_documents(self) -> int:
        """End every document lease this process holds; how many there were.

        For an idle worker only: with no start request left anywhere in the
        process, a document still leased never reached the queue (a spider
        middleware dropped its request), and would otherwise be renewed forever.
        """
        tokens, self.held_documents = list(self.held_documents), set()
        return self.documents.ack(tokens)

    def renew_held(self) -> None:
        self.leases.renew(self.held)
        self.documents.renew(self.held_documents)

    def requeue_expired(self) -> None:
        """Dead workers' requests and documents back where workers find them."""
        self.leases.requeue_expired()
        self.documents.requeue_expired()

    def work_pending(self) -> bool:
        """Requests queued, or requests or documents leased by any worker (this one too)."""
        return bool(self.leases.queued() or self.leases.held() or self.documents.held())

    def clear(self) -> None:
        self.server.delete(*self.leases.keys.all())
