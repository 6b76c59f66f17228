"""Due revisits handed out through Redis: one queue per domain, pops that are leases, a gap per domain.

Keys under `<prefix>:revisits` (the prefix is NEWSARCHIVE_REDIS_PREFIX):

    :items           hash  article id -> the due article (JSON); present while queued or leased
    :q:<domain>      zset  article ids of one domain waiting, scored by when they came due
    :ready           zset  domains with articles waiting, scored by when the next may be handed out
    :gap             hash  domain -> seconds between two hand-outs of that domain (politeness)
    :next            hash  domain -> earliest time of its next hand-out (kept while its queue is empty)
    :leases          hash  lease token -> article id
    :deadlines       zset  lease token -> deadline (Redis server clock)
    :coordinator     string  held while one process selects the due articles

Why it is built this way:
- `:items` is keyed by article id and written with HSETNX, so queueing is
  idempotent: an article already waiting or leased is not queued again,
  whoever queues it and however often.
- A pop takes the domain that has waited longest for its turn and moves
  that domain's next turn `gap` seconds ahead, on Redis's clock: the delay
  between two requests to a domain holds across all workers together, not
  per worker (N workers never make N times the request rate of one).
- A pop is a lease, acknowledged once the capture is recorded; a live worker
  renews it; an expired lease (a killed worker's) puts the article back in
  its domain's queue. A late acknowledgement of an expired lease still ends
  the article's work: it is taken out of the queue if it is waiting there
  again, so a merely slow worker does not cause a second fetch unless
  another worker has already taken it (and then the write path, which
  deduplicates versions by content, records it as unchanged).

The scripts build the per-domain key names themselves, so this needs one
Redis server (or a cluster slot), not a Redis Cluster spread over slots.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from newsarchive.storage.crawl_state.revisit_due import DueArticle

# How many articles one enqueue script call carries (a script blocks Redis while it runs).
ENQUEUE_BATCH = 1000

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# KEYS: items, ready, gap, next. ARGV: queue key prefix, then (id, payload, domain, score, gap) per article.
_ENQUEUE = (
    _NOW
    + """
local added = 0
for i = 2, #ARGV, 5 do
  local id, payload, domain, score, gap = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  redis.call('HSET', KEYS[3], domain, gap)
  if redis.call('HSETNX', KEYS[1], id, payload) == 1 then
    redis.call('ZADD', ARGV[1] .. domain, score, id)
    local at = tonumber(redis.call('HGET', KEYS[4], domain) or now)
    if at < now then at = now end
    redis.call('ZADD', KEYS[2], 'NX', at, domain)
    added = added + 1
  end
end
return added
"""
)

# KEYS: items, ready, gap, next, leases, deadlines. ARGV: queue key prefix, token, lease seconds.
# Returns {0} nothing waiting, {1, seconds} wait that long for a domain's turn, {2, id, payload} leased.
_POP = (
    _NOW
    + """
for _ = 1, 64 do
  local ready = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1)
  if #ready == 0 then
    local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    if #first == 0 then return {0} end
    return {1, tostring(tonumber(first[2]) - now)}
  end
  local domain = ready[1]
  local queue = ARGV[1] .. domain
  local popped = redis.call('ZPOPMIN', queue)
  if #popped == 0 then
    redis.call('ZREM', KEYS[2], domain)
  else
    local id = popped[1]
    local payload = redis.call('HGET', KEYS[1], id)
    if payload then
      local at = now + tonumber(redis.call('HGET', KEYS[3], domain) or '0')
      redis.call('HSET', KEYS[4], domain, tostring(at))
      if redis.call('ZCARD', queue) == 0 then
        redis.call('ZREM', KEYS[2], domain)
      else
        redis.call('ZADD', KEYS[2], at, domain)
      end
      redis.call('HSET', KEYS[5], ARGV[2], id)
      redis.call('ZADD', KEYS[6], now + tonumber(ARGV[3]), ARGV[2])
      return {2, id, payload}
    end
    if redis.call('ZCARD', queue) == 0 then redis.call('ZREM', KEYS[2], domain) end
  end
end
return {1, '0'}
"""
)

# KEYS: items, leases, deadlines. ARGV: queue key prefix, then (token, id) pairs.
_ACK = """
local held = 0
for i = 2, #ARGV, 2 do
  local token, id = ARGV[i], ARGV[i + 1]
  local live = redis.call('ZREM', KEYS[3], token)
  redis.call('HDEL', KEYS[2], token)
  local payload = redis.call('HGET', KEYS[1], id)
  redis.call('HDEL', KEYS[1], id)
  if live == 1 then
    held = held + 1
  elseif payload then
    redis.call('ZREM', ARGV[1] .. cjson.decode(payload)['domain'], id)
  end
end
return held
"""

# KEYS: deadlines. ARGV: lease seconds, tokens. Only leases still held are renewed (XX).
_RENEW = (
    _NOW
    + """
local n = 0
for i = 2, #ARGV do
  n = n + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i])
end
return n
"""
)

# KEYS: items, ready, next, leases, deadlines. ARGV: queue key prefix, max count.
_REQUEUE = (
    _NOW
    + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, token in ipairs(expired) do
  local id = redis.call('HGET', KEYS[4], token)
  redis.call('HDEL', KEYS[4], token)
  redis.call('ZREM', KEYS[5], token)
  local payload = id and redis.call('HGET', KEYS[1], id)
  if payload then
    local entry = cjson.decode(payload)
    redis.call('ZADD', ARGV[1] .. entry['domain'], entry['due'], id)
    local at = tonumber(redis.call('HGET', KEYS[3], entry['domain']) or now)
    if at < now then at = now end
    redis.call('ZADD', KEYS[2], 'NX', at, entry['domain'])
  end
end
return #expired
"""
)

# KEYS: lock. ARGV: token. Deletes the lock only if this process still holds it.
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def domain_of(url: str) -> str:
    """The host a request goes to: the unit of politeness (Scrapy's download slots are per host too)."""
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True)
class RevisitKeys:
    base: str  # "<prefix>:revisits"

    @classmethod
    def of(cls, prefix: str) -> RevisitKeys:
        return cls(f"{prefix}:revisits")

    @property
    def items(self) -> str:
        return f"{self.base}:items"

    @property
    def queue_prefix(self) -> str:
        return f"{self.base}:q:"

    @property
    def ready(self) -> str:
        return f"{self.base}:ready"

    @property
    def gap(self) -> str:
        return f"{self.base}:gap"

    @property
    def next(self) -> str:
        return f"{self.base}:next"

    @property
    def leases(self) -> str:
        return f"{self.base}:leases"

    @property
    def deadlines(self) -> str:
        return f"{self.base}:deadlines"

    @property
    def coordinator(self) -> str:
        return f"{self.base}:coordinator"


@dataclass(frozen=True)
class Leased:
    token: str
    due: DueArticle


@dataclass(frozen=True)
class Wait:
    seconds: float  # until some domain's turn comes


@dataclass(frozen=True)
class RevisitQueueStatus:
    queued: int
    leased: int
    expired: int  # leases past their deadline: a dead worker's, not yet put back
    domains: int  # domains with articles waiting

    @property
    def drained(self) -> bool:
        return not (self.queued or self.leased)


def encode(due: DueArticle, score: float) -> str:
    return json.dumps(
        {
            "id": due.article_id,
            "url": due.url,
            "source": due.source,
            "etag": due.etag,
            "last_modified": due.last_modified,
            "domain": domain_of(due.url),
            "due": score,
        },
        separators=(",", ":"),
    )


def decode(payload: bytes | str) -> DueArticle:
    entry = json.loads(payload)
    return DueArticle(entry["id"], entry["url"], entry["source"], entry["etag"], entry["last_modified"])


class RevisitQueue:
    """The revisit hand-out on one Redis server: queue, pop (lease), acknowledge, renew, requeue."""

    def __init__(self, server: Any, prefix: str, lease_seconds: float = 300) -> None:
        self.server = server
        self.keys = RevisitKeys.of(prefix)
        self.lease_seconds = lease_seconds
        self._enqueue = server.register_script(_ENQUEUE)
        self._pop = server.register_script(_POP)
        self._ack = server.register_script(_ACK)
        self._renew = server.register_script(_RENEW)
        self._requeue = server.register_script(_REQUEUE)
        self._unlock = server.register_script(_UNLOCK)

    def enqueue(
        self,
        due: Iterable[DueArticle],
        gap: Callable[[DueArticle], float] = lambda _due: 0.0,
    ) -> int:
        """Queue these articles (in this order within a domain); returns how many were not already pending.

        gap(article): the seconds between two hand-outs of the article's domain.
        """
        k = self.keys
        added, batch = 0, []
        # Within a domain: earlier enqueues first, then the selection's order
        # (most overdue first). A microsecond per rank: a million ranks add a second.
        base = time.time()
        for rank, article in enumerate(due):
            score = base + rank * 1e-6
            batch += [article.article_id, encode(article, score), domain_of(article.url), score, gap(article)]
            if len(batch) >= 5 * ENQUEUE_BATCH:
                added += int(
                    self._enqueue(keys=[k.items, k.ready, k.gap, k.next], args=[k.queue_prefix, *batch])
                )
                batch = []
        if batch:
            added += int(self._enqueue(keys=[k.items, k.ready, k.gap, k.next], args=[k.queue_prefix, *batch]))
        return added

    def pop(self) -> Leased | Wait | None:
        """The next article whose domain's turn has come, leased; Wait if none has yet; None if none waits."""
        k = self.keys
        token = uuid.uuid4().hex
        answer = self._pop(
            keys=[k.items, k.ready, k.gap, k.next, k.leases, k.deadlines],
            args=[k.queue_prefix, token, self.lease_seconds],
        )
        if int(answer[0]) == 0:
            return None
        if int(answer[0]) == 1:
            return Wait(max(0.0, float(answer[1])))
        return Leased(token, decode(answer[2]))

    def ack(self, leases: Iterable[tuple[str, int]]) -> int:
        """The articles of these (token, article id) leases are recorded; returns how many leases were still held."""
        args: list[Any] = []
        for token, article_id in leases:
            args += [token, article_id]
        if not args:
            return 0
        k = self.keys
        return int(self._ack(keys=[k.items, k.leases, k.deadlines], args=[k.queue_prefix, *args]))

    def renew(self, tokens: Iterable[str]) -> int:
        tokens = list(tokens)
        if not tokens:
            return 0
        return int(self._renew(keys=[self.keys.deadlines], args=[self.lease_seconds, *tokens]))

    def requeue_expired(self, limit: int = 1000) -> int:
        """Articles of expired leases back in their domains' queues (atomic: never twice)."""
        k = self.keys
        return int(
            self._requeue(
                keys=[k.items, k.ready, k.next, k.leases, k.deadlines], args=[k.queue_prefix, limit]
            )
        )

    def status(self) -> RevisitQueueStatus:
        k = self.keys
        with self.server.pipeline(transaction=True) as pipe:
            pipe.hlen(k.items)
            pipe.zcard(k.deadlines)
            pipe.time()
            pipe.zcard(k.ready)
            pending, leased, (seconds, micro), domains = pipe.execute()
        expired = int(self.server.zcount(k.deadlines, "-inf", seconds + micro / 1e6))
        return RevisitQueueStatus(max(0, int(pending) - int(leased)), int(leased), expired, int(domains))

    def try_coordinate(self, seconds: float) -> str | None:
        """Take the coordinator lock for at most `seconds`; its token, or None if another process holds it."""
        token = uuid.uuid4().hex
        taken = self.server.set(self.keys.coordinator, token, nx=True, px=int(seconds * 1000))
        return token if taken else None

    def release_coordinator(self, token: str) -> None:
        self._unlock(keys=[self.keys.coordinator], args=[token])

    def coordinator_busy(self) -> bool:
        return bool(self.server.exists(self.keys.coordinator))

    def clear(self) -> int:
        names = list(self.server.scan_iter(match=f"{self.keys.base}:*"))
        return int(self.server.delete(*names)) if names else 0
