"""Pure rule: is an article's headline being A/B tested?

A publisher testing headlines serves several of them on one URL, switching
between them for a while; an archive revisiting the page sees the headline
change and change back. An editor rewording a headline moves forward
(A, then B, then C) and rarely returns to a headline already replaced. So
the rule asks for alternation: within WINDOW, the headline went back to one
already shown after another was shown (A B A, A B C B, ...). A headline
changed once, or reworded step by step, is not a test.

The rule cannot tell a test from an editor who restores a replaced headline
within the window; docs/stories.md says so. WINDOW is a choice, not a
measurement: the archive has no labelled tests to tune it on, and tests
reported by publishers and testing tools run from minutes to a few hours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# The flag a version gets (stored among its kinds of edit, so `changes
# --kind headline-test` filters on it like any kind).
HEADLINE_TEST = "headline-test"
WINDOW = timedelta(hours=12)


@dataclass(frozen=True)
class Shown:
    """A headline as the archive saw it: from a version's first sighting."""

    title: str
    version: int
    seen_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "version": self.version, "seen_at": self.seen_at.isoformat()}


@dataclass(frozen=True)
class HeadlineTestFound:
    shown: tuple[Shown, ...]  # every headline change in the test, consecutive repeats merged
    headlines: int  # distinct headlines
    flips: int  # switches back to a headline already shown

    @property
    def started_at(self) -> datetime:
        return self.shown[0].seen_at

    @property
    def last_seen_at(self) -> datetime:
        return self.shown[-1].seen_at


_SPACE = re.compile(r"\s+")


def headline_key(title: str | None) -> str:
    """Headlines compared as a reader reads them: spacing and case aside."""
    return _SPACE.sub(" ", title or "").strip().casefold()


def detect(history: Sequence[Shown], window: timedelta = WINDOW) -> HeadlineTestFound | None:
    """The test the latest headline belongs to, if the headlines alternate within `window`.

    `history` is an article's versions in order; only those first seen
    within `window` before the last are read (the test must be going on now).
    """
    if not history:
        return None
    end = history[-1].seen_at
    recent = [shown for shown in history if shown.seen_at >= end - window]
    merged: list[Shown] = []
    for shown in recent:
        if headline_key(shown.title) and (
            not merged or headline_key(merged[-1].title) != headline_key(shown.title)
        ):
            merged.append(shown)
    seen: set[str] = set()
    flips = 0
    for shown in merged:
        key = headline_key(shown.title)
        flips += key in seen
        seen.add(key)
    if flips == 0 or len(seen) < 2:
        return None
    # Start the test at the first showing of a headline the page came back to
    # (or of one shown between): earlier, forward-only changes were edits.
    first = min(i for i, shown in enumerate(merged) if _returns(merged, i))
    return summarise(merged[first:])


def summarise(shown: Sequence[Shown]) -> HeadlineTestFound:
    """A test from the headlines it showed, in order (consecutive repeats merged here)."""
    kept: list[Shown] = []
    seen: set[str] = set()
    flips = 0
    for item in shown:
        key = headline_key(item.title)
        if kept and headline_key(kept[-1].title) == key:
            continue
        flips += key in seen
        seen.add(key)
        kept.append(item)
    return HeadlineTestFound(tuple(kept), len(seen), flips)


def _returns(merged: list[Shown], index: int) -> bool:
    key = headline_key(merged[index].title)
    return any(headline_key(later.title) == key for later in merged[index + 1 :])
