"""Database work run again when its connection dropped under it.

`pool_pre_ping` (storage/db.py) replaces a connection that died while it sat
in the pool, but not one that dies while in use: a PostgreSQL backend
terminated by an administrator (`pg_terminate_backend`), a restarted server,
a failover. The work then fails with an error SQLAlchemy marks
`connection_invalidated`; the transaction was rolled back whole and the
connection dropped from the pool, so running the same work again, on a fresh
connection, is safe. A crawl's bookkeeping (the frontier, the crawl run, the
look-ups before a write) goes through here; the capture writes themselves are
retried by ArchiveService.in_transaction.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")

ATTEMPTS = 4
# Waits before the 2nd, 3rd and 4th attempt: a killed backend needs none, a
# restarting server a moment.
BACKOFF_SECONDS = (0.0, 0.2, 1.0)


def dropped_connection(exc: BaseException) -> bool:
    """Whether this error means the connection was lost (the work itself may be fine)."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def reconnecting(fn: Callable[P, T]) -> Callable[P, T]:
    """`fn`, run again on a fresh connection when its connection drops (at most ATTEMPTS times in all).

    Only for work that is one transaction, or only reads, so that a run cut
    short left nothing behind.
    """

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return fn(*args, **kwargs)
            except DBAPIError as exc:
                if not dropped_connection(exc) or attempt == ATTEMPTS:
                    raise
                log.info(
                    "%s: connection lost (%s); attempt %d", fn.__qualname__, _first_line(exc), attempt + 1
                )
                time.sleep(BACKOFF_SECONDS[attempt - 1])
        raise AssertionError("unreachable")

    return run


def _first_line(exc: DBAPIError) -> str:
    origin = exc.orig if exc.orig is not None else exc
    return str(origin).strip().splitlines()[0] if str(origin).strip() else type(origin).__name__
