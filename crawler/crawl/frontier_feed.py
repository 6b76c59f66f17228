"""Feeding a crawl from the frontier table a window at a time.

The source spider writes every URL it means to fetch to the frontier first.
Handing all of them to Scrapy at once would keep one Request per discovered
URL in the scheduler's memory for the whole pass (about 3 KB each), so a
crawl's memory would grow with the size of its pass. Instead the spider asks
this feed for the next rows whenever fewer than half a window are out, and
a URL counts as out from the moment it is handed over until its fetch is
recorded. Memory then depends on the window, not on the pass.

Rows queued before the crawl started are what a killed run left behind;
some of those may have been archived by that run after all (recorded rows
leave the frontier in batches), so they are checked before being handed
out, and the archived ones are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.storage.crawl_state.frontier import Frontier, Taken


class FrontierFeed:
    def __init__(
        self, frontier: Frontier, sources: Sequence[str], window: int = defaults.NEWSARCHIVE_FRONTIER_WINDOW
    ) -> None:
        self.frontier = frontier
        self.sources = list(sources)
        self.window = max(1, window)
        self.cursor = 0  # the id of the last row handed out
        self.resume_upto = frontier.last_id()  # rows up to here were left by earlier runs
        self.out: dict[str, str] = {}  # URL handed out and not yet recorded -> its source

    def next(self, force: bool = False) -> list[Taken]:
        """The rows to fetch now: none while more than half a window is out (unless forced)."""
        if not force and len(self.out) > self.window // 2:
            return []
        handed: list[Taken] = []
        while len(self.out) < self.window:
            rows = self.frontier.take(self.sources, self.cursor, self.window - len(self.out))
            if not rows:
                break
            self.cursor = rows[-1].id
            rows = self._drop_archived(rows)
            for row in rows:
                self.out[row.url] = row.source
            handed.extend(rows)
        return handed

    def resumed(self, row: Taken) -> bool:
        """Left in the frontier by an earlier run (killed or stopped)."""
        return row.id <= self.resume_upto

    def recorded(self, url: str) -> str | None:
        """A fetch handed out by this feed is recorded: its source, or None if it was not one of ours."""
        return self.out.pop(url, None)

    def forget_all(self) -> int:
        """Nothing is in flight (the crawl is idle): whatever is still out will never be recorded.

        Happens when a request is dropped without a capture (a redirect to a URL
        already fetched, filtered as a duplicate); returns how many.
        """
        lost = len(self.out)
        self.out.clear()
        return lost

    def _drop_archived(self, rows: list[Taken]) -> list[Taken]:
        left = [r.url for r in rows if r.id <= self.resume_upto]
        if not left:
            return rows
        archived = self.frontier.archived(left)
        if archived:
            self.frontier.done(sorted(archived))
        return [r for r in rows if r.url not in archived]
