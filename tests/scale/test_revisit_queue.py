"""The Redis revisit queue on a real server: idempotent queueing, per-domain turns, leases, late acks, one coordinator."""

from __future__ import annotations

import json
import threading
import time

import pytest

from newsarchive.crawler.crawl.distributed.revisit_queue import Leased, RevisitQueue, Wait
from newsarchive.crawler.crawl.distributed.revisits import coordinate
from newsarchive.storage.crawl_state.revisit_due import DueArticle
from tests.scale.conftest import RedisFrontier

pytestmark = pytest.mark.redis


def _due(article_id: int, host: str = "a.test") -> DueArticle:
    return DueArticle(article_id, f"http://{host}/{article_id}.html", "src", f'"e{article_id}"', None)


def _queue(frontier: RedisFrontier, lease: float = 60) -> RevisitQueue:
    return RevisitQueue(frontier.server, frontier.prefix, lease)


def _drain(queue: RevisitQueue) -> list[Leased]:
    got = []
    while isinstance(popped := queue.pop(), Leased):
        got.append(popped)
    return got


def test_queueing_is_idempotent_by_article_while_queued_or_leased(redis_url: RedisFrontier) -> None:
    queue = _queue(redis_url)
    assert queue.enqueue([_due(1), _due(2)]) == 2
    assert queue.enqueue([_due(2), _due(3)]) == 1  # 2 is already waiting
    first = queue.pop()
    assert isinstance(first, Leased) and first.due == _due(1)  # validators travel with it
    assert queue.enqueue([_due(1)]) == 0  # leased: still pending
    status = queue.status()
    assert (status.queued, status.leased, status.drained) == (2, 1, False)
    assert queue.ack([(first.token, 1)]) == 1
    assert queue.enqueue([_due(1)]) == 1  # done: the next pass may queue it again


def test_a_domains_turns_are_spaced_by_its_gap_across_all_poppers(redis_url: RedisFrontier) -> None:
    one, other = _queue(redis_url), _queue(redis_url)  # two workers
    one.enqueue(
        [_due(i, "slow.test") for i in range(3)] + [_due(10, "fast.test")],
        gap=lambda d: 0.0 if "fast" in d.url else 1.0,
    )
    got = [one.pop(), other.pop(), one.pop()]
    hosts = sorted(p.due.url.split("/")[2] for p in got if isinstance(p, Leased))
    assert hosts == ["fast.test", "slow.test"]  # one of slow.test, then it waits its turn
    assert isinstance(got[2], Wait) and 0.5 < got[2].seconds <= 1.0
    time.sleep(got[2].seconds + 0.05)
    nxt = other.pop()
    assert isinstance(nxt, Leased) and "slow.test" in nxt.due.url


def test_an_expired_lease_comes_back_and_a_late_ack_then_takes_it_out(redis_url: RedisFrontier) -> None:
    slow, survivor = _queue(redis_url, lease=1), _queue(redis_url, lease=60)
    slow.enqueue([_due(7)])
    leased = slow.pop()
    assert isinstance(leased, Leased)
    assert survivor.requeue_expired() == 0
    time.sleep(1.2)
    assert survivor.status().expired == 1
    assert survivor.requeue_expired() == 1
    assert survivor.status().queued == 1
    # The slow worker did record it after all: its late ack ends the article's
    # work, so nobody fetches it a second time.
    assert slow.ack([(leased.token, 7)]) == 0
    assert survivor.pop() is None
    assert survivor.status().drained


def test_an_expired_lease_is_taken_by_another_worker(redis_url: RedisFrontier) -> None:
    dead, survivor = _queue(redis_url, lease=1), _queue(redis_url, lease=60)
    dead.enqueue([_due(1), _due(2)], gap=lambda _d: 0.0)
    assert isinstance(dead.pop(), Leased)
    time.sleep(1.2)
    survivor.requeue_expired()
    got = _drain(survivor)
    assert sorted(p.due.article_id for p in got) == [1, 2]
    assert survivor.ack([(p.token, p.due.article_id) for p in got]) == 2
    assert survivor.status().drained


def test_renewal_keeps_a_slow_workers_lease(redis_url: RedisFrontier) -> None:
    queue = _queue(redis_url, lease=1)
    queue.enqueue([_due(1)])
    leased = queue.pop()
    assert isinstance(leased, Leased)
    for _ in range(3):
        time.sleep(0.5)
        assert queue.renew([leased.token]) == 1
        assert queue.requeue_expired() == 0
    assert queue.status().leased == 1


def test_poppers_racing_never_share_an_article(redis_url: RedisFrontier) -> None:
    _queue(redis_url).enqueue([_due(i, f"h{i % 5}.test") for i in range(300)])
    results: list[list[Leased]] = [[] for _ in range(4)]

    def work(n: int) -> None:
        results[n] = _drain(_queue(redis_url))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [p.due.article_id for got in results for p in got]
    assert sorted(ids) == list(range(300))


def test_two_coordinators_starting_at_once_select_once(redis_url: RedisFrontier) -> None:
    selections: list[int] = []

    def select() -> list[DueArticle]:
        selections.append(1)
        time.sleep(0.3)  # a selection takes time: the other coordinator arrives meanwhile
        return [_due(i) for i in range(20)]

    outcomes = []
    threads = [
        threading.Thread(
            target=lambda: outcomes.append(coordinate(_queue(redis_url), select, lambda _d: 0.0))
        )
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(selections) == 1
    assert sorted(o.selected for o in outcomes) == [False, True]
    assert sum(o.queued for o in outcomes) == 20
    # A third, later, joins the pass under way instead of selecting again.
    late = coordinate(_queue(redis_url), select, lambda _d: 0.0)
    assert not late.selected and len(selections) == 1 and late.status.queued == 20


def test_the_frontier_command_shows_the_revisit_queue(redis_url: RedisFrontier) -> None:
    from click.testing import CliRunner

    from newsarchive.crawler.cli.distributed_commands import frontier

    queue = _queue(redis_url, lease=1)
    queue.enqueue([_due(1, "a.test"), _due(2, "b.test"), _due(3, "b.test")])
    assert isinstance(queue.pop(), Leased)
    time.sleep(1.2)
    args = ["--redis", redis_url.url, "--prefix", redis_url.prefix]
    shown = CliRunner().invoke(frontier, [*args, "--json"])
    assert shown.exit_code == 0, shown.output
    revisits = json.loads(shown.output)["revisits"]
    assert revisits["queued"] == 2 and revisits["leased"] == 1 and revisits["expired"] == 1
    assert not revisits["drained"]
    line = CliRunner().invoke(frontier, args).output.splitlines()[-1]
    assert line.startswith("revisits queued 2 over ") and "leased 1 (1 expired)" in line
