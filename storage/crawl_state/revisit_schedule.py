"""When to look at an article again: a schedule that decays with its age.

The default follows NewsDiffs: every 15 minutes while under 3 hours old,
hourly under a day, every 3 hours under a week, every 3 days under a month,
monthly under a year, then never. An article that just changed is young
again: its age counts from its last change when that is more recent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RevisitStep:
    younger_than: timedelta
    every: timedelta


DEFAULT_SCHEDULE: tuple[RevisitStep, ...] = (
    RevisitStep(timedelta(hours=3), timedelta(minutes=15)),
    RevisitStep(timedelta(days=1), timedelta(hours=1)),
    RevisitStep(timedelta(days=7), timedelta(hours=3)),
    RevisitStep(timedelta(days=30), timedelta(days=3)),
    RevisitStep(timedelta(days=365), timedelta(days=30)),
)


def next_check(
    first_seen: datetime,
    last_changed: datetime,
    now: datetime,
    schedule: Sequence[RevisitStep] = DEFAULT_SCHEDULE,
) -> datetime | None:
    """The next time to fetch the article, or None once it is old enough to leave alone."""
    age = now - max(first_seen, last_changed)
    for step in schedule:
        if age < step.younger_than:
            return now + step.every
    return None
