"""Revisits the decaying schedule asks for: per article over its life, and per day at a given intake.

Run by hand (no server, no network; a second or two):

    python bench/revisit_load.py [--new-per-day 1000000] [--edit-at-hours 2]

It walks one article through the schedule the archive really uses
(storage/crawl_state/revisit_schedule.py, DEFAULT_SCHEDULE, through
`next_check` exactly as the write path calls it after each capture: the
next check is computed at the time of the last one), from its first capture
until the schedule leaves it alone, and counts the checks in each step.

At a steady intake of R new articles a day, spread evenly, the revisits due
per day T days after the intake started are R x N(T), N(a) being the checks
an article gets before age a (each day's cohort adds its checks at every age
at once); once T passes the schedule's last step the rate stops growing at
R x N(total). The table prints N at a few ages and the rate it gives.

An article that changes is young again (its age counts from the change):
--edit-at-hours H adds the checks one edit at age H brings, the same walk
with last_changed moved to H. How often articles change is not measured
here; multiply by the edits per article your sources show.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive.storage.crawl_state.revisit_schedule import (  # noqa: E402
    DEFAULT_SCHEDULE,
    RevisitStep,
    next_check,
)

START = datetime(2026, 1, 1, tzinfo=UTC)


def checks(first_seen: datetime, last_changed: datetime, first_capture: datetime) -> list[datetime]:
    """Every check time of an unchanged article after the capture at `first_capture`."""
    found = []
    due = next_check(first_seen, last_changed, first_capture)
    while due is not None:
        found.append(due)
        due = next_check(first_seen, last_changed, due)
    return found


def step_of(age: timedelta) -> RevisitStep | None:
    for step in DEFAULT_SCHEDULE:
        if age < step.younger_than:
            return step
    return None


def label(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--new-per-day", type=int, default=1_000_000)
    parser.add_argument(
        "--edit-at-hours", type=float, default=2.0, help="age of the one edit to cost (0: none)"
    )
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"revisit schedule (storage/crawl_state/revisit_schedule.py), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(
        f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (pure arithmetic: load does not change it)"
    )

    times = checks(START, START, START)
    # Which step asked for each check: the step of the age at the check before it.
    by_step: Counter[timedelta] = Counter()
    previous = START
    for at in times:
        step = step_of(previous - START)
        assert step is not None
        by_step[step.younger_than] += 1
        previous = at
    print("\nchecks of one unchanged article, by step of the schedule:")
    print(f"{'while younger than':>20} {'every':>8} {'checks':>7}")
    for step in DEFAULT_SCHEDULE:
        print(f"{label(step.younger_than):>20} {label(step.every):>8} {by_step[step.younger_than]:>7}")
    total = len(times)
    print(f"{'total':>20} {'':>8} {total:>7}   (last check at age {label(times[-1] - START)})")

    rate = args.new_per_day
    print(f"\nrevisits due per day at {rate:,} new articles a day, T days after the intake started:")
    print(f"{'T':>6} {'N(T) checks/article':>20} {'revisits/day':>14} {'per second':>11}")
    for days in (1, 3, 7, 30, 90, 365, 400):
        n = sum(1 for at in times if at - START < timedelta(days=days))
        print(f"{days:>6} {n:>20} {rate * n:>14,} {rate * n / 86400:>11.1f}")
    print(
        f"steady state: {rate:,} x {total} = {rate * total:,} revisits a day"
        f" = {rate * total / 86400:,.1f} a second on average"
    )

    if args.edit_at_hours:
        edit = START + timedelta(hours=args.edit_at_hours)
        before = [at for at in times if at <= edit]
        after = checks(START, edit, edit)
        extra = len(before) + len(after) - total
        print(
            f"\none edit found at age {args.edit_at_hours:g} h: {len(before)} checks before it"
            f" + {len(after)} after = {len(before) + len(after)} ({extra:+d} over an unchanged article)"
        )


if __name__ == "__main__":
    main()
