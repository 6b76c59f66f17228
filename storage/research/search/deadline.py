"""A time limit on one search, enforced by the database engine itself.

A broad query (many prefix terms over every version) can run for seconds on
a large archive, and a thread waiting on the database cannot be stopped from
Python. So the engine stops it: SQLite calls a progress handler every few
thousand virtual-machine steps, and a handler that answers "stop" makes the
running statement fail with "interrupted"; PostgreSQL cancels a statement
past `statement_timeout` (set for this transaction only). Either way the
search ends as QueryTooBroad, a BadQuery with a message saying what to do.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from newsarchive.storage.research.search.syntax import BadQuery

# SQLite VM instructions between two looks at the clock: a few microseconds
# of work, so the limit is kept to well under a millisecond and the handler
# costs nothing measurable.
PROGRESS_STEPS = 1000
PG_QUERY_CANCELED = "57014"


class QueryTooBroad(BadQuery):
    """A search stopped at its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"query too broad: it ran past the {seconds:g} s limit; narrow it "
            "(more words, fewer or longer prefix* terms, a source or date filter, or latest versions only)"
        )
        self.seconds = seconds


def _interrupted(exc: DBAPIError) -> bool:
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == PG_QUERY_CANCELED:  # psycopg 3
        return True
    return type(orig).__module__ == "sqlite3" and str(orig) == "interrupted"


@contextmanager
def time_limit(session: Session, seconds: float | None) -> Iterator[None]:
    """Statements run on `session` inside the block stop after `seconds` (None: no limit).

    On the limit the session's transaction is rolled back and QueryTooBroad raised.
    """
    if seconds is None:
        yield
        return
    connection = session.connection()
    dialect = connection.dialect.name
    end = time.monotonic() + seconds
    raw = connection.connection.dbapi_connection if dialect == "sqlite" else None
    if raw is not None:
        raw.set_progress_handler(lambda: time.monotonic() > end, PROGRESS_STEPS)
    elif dialect == "postgresql":
        before = connection.execute(text("SELECT current_setting('statement_timeout')")).scalar_one()
        # At least 1 ms: 0 would mean no limit at all.
        connection.execute(text(f"SET LOCAL statement_timeout = {max(1, round(seconds * 1000))}"))

    def not_past_the_limit(*_args: Any) -> None:
        # A search is several statements; none starts once the time is up
        # (a statement too short for a progress check would otherwise finish).
        if time.monotonic() > end:
            raise QueryTooBroad(seconds)

    event.listen(connection, "before_cursor_execute", not_past_the_limit)
    try:
        yield
    except DBAPIError as exc:
        _clear(connection, raw, not_past_the_limit)  # before the connection goes back to the pool
        if not _interrupted(exc):
            raise
        session.rollback()
        raise QueryTooBroad(seconds) from None
    except QueryTooBroad:
        _clear(connection, raw, not_past_the_limit)
        session.rollback()
        raise
    else:
        _clear(connection, raw, not_past_the_limit)
        if dialect == "postgresql":
            # Back to what it was for the rest of this transaction.
            connection.execute(text("SELECT set_config('statement_timeout', :v, true)"), {"v": before})
    finally:
        _clear(connection, raw, not_past_the_limit)


def _clear(connection: Connection, raw: Any, listener: Callable[..., None]) -> None:
    if raw is not None:
        raw.set_progress_handler(None, 0)
    if event.contains(connection, "before_cursor_execute", listener):
        event.remove(connection, "before_cursor_execute", listener)
