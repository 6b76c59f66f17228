"""Cron expressions as APScheduler 3 triggers, with crontab's meaning of weekdays.

APScheduler 3's `CronTrigger.from_crontab` numbers weekdays from Monday = 0,
while cron numbers them from Sunday = 0 (issue 286 upstream, fixed only in 4.x).
A sources file is written by people who know crontab, so numeric weekdays are
translated to names, which both agree on. Six fields mean seconds first
(handy for tests and for sub-minute polling of a local host).
"""

from __future__ import annotations

from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _weekday_token(token: str) -> str:
    """One comma-separated item of the weekday field, numbers turned into names."""
    body, slash, step = token.partition("/")
    low, dash, high = body.partition("-")
    if not (low.isdigit() and (not dash or high.isdigit())):
        return token  # "*", names, or something CronTrigger will judge
    a, b = int(low), int(high) if dash else None
    if a > 7 or (b is not None and b > 7):
        raise ValueError(f"weekday out of range in {token!r} (0-7, Sunday is 0 or 7)")
    if b is None:
        return _DAY_NAMES[a] + (slash + step if slash else "")
    if a == 0 and b >= 1:  # "0-5": Sunday then Monday..b; APScheduler ranges cannot wrap
        if slash:
            raise ValueError(f"a weekday range from Sunday with a step is not supported: {token!r}")
        return "sun" if b == 7 else f"sun,mon-{_DAY_NAMES[b]}"
    return f"{_DAY_NAMES[a]}-{_DAY_NAMES[b]}" + (slash + step if slash else "")


def cron_trigger(expr: str, timezone: tzinfo | str = "UTC") -> CronTrigger:
    """A trigger for a 5-field crontab expression (or 6 fields, seconds first).

    Raises ValueError with a reason a user can act on.
    """
    fields = expr.split()
    if len(fields) not in (5, 6):
        raise ValueError(f"expected 5 cron fields (minute hour day month weekday), got {len(fields)}")
    second = fields.pop(0) if len(fields) == 6 else "0"
    minute, hour, day, month, weekday = fields
    weekday = ",".join(_weekday_token(t) for t in weekday.split(","))
    return CronTrigger(
        second=second, minute=minute, hour=hour, day=day, month=month, day_of_week=weekday, timezone=timezone
    )
