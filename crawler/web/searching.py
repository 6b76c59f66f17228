"""Searches for the API and the search page: a time limit each, and a few at a time.

The app's sync routes share one worker thread pool (40 threads). Without a
bound, 45 concurrent broad searches filled it and a plain article page then
waited 19 s. So searches take one of a few slots, without waiting: one more
is answered 503 at once (with Retry-After), and every other page keeps its
threads. Each search also stops at the server's time limit and is answered
as a query too broad (newsarchive.storage.research.search.deadline).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from newsarchive.crawler.web.errors import RequestError
from newsarchive.crawler.web.params import SearchParams
from newsarchive.storage.research.names import unknown_names
from newsarchive.storage.research.search.query import BadQuery, SearchPage, search

BUSY = "too many searches are running at once: try again in a moment"


class SearchSlots:
    """At most `size` searches at once; taking a slot never waits."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = threading.BoundedSemaphore(size)

    @contextmanager
    def take(self) -> Iterator[None]:
        if not self._free.acquire(blocking=False):
            raise RequestError(503, BUSY, headers={"Retry-After": "1"})
        try:
            yield
        finally:
            self._free.release()


def run_search(request: Request, params: SearchParams) -> SearchPage:
    """One page of results, within the server's slots and time limit (RequestError 503, BadQuery)."""
    state = request.app.state
    with state.search_slots.take(), state.archive.sessions() as session:
        # A source or domain no article carries would give an empty page that
        # reads as "nothing matched": say so, with the names that exist.
        problems = unknown_names(session, source=params.source, domain=params.domain)
        if problems:
            raise BadQuery("; ".join(problems))
        return search(session, params.to_query(), timeout=state.settings.search_timeout)
