"""What a search filter's value may be, checked once for every front door.

Dates at the ends of the calendar overflow on the way to the database
(`published_to=9999-12-31` needs the day after; `0001-01-01T00:00+14:00` is
in year 0 in UTC), and a NUL in a name is refused by PostgreSQL and cuts a
LIKE pattern short in SQLite (`author=%00` matched every author). The web
parameters, the CLI options and SearchQuery itself all check here, so each
answers with its own kind of error (422, a usage error, BadQuery) for the
same rule.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

from newsarchive.storage.research.search.syntax import BadQuery

# Wide enough for any archive (old articles re-published carry old dates),
# narrow enough that a day either side and any time zone stay in range.
FIRST_DAY = date(1000, 1, 1)
LAST_DAY = date(9998, 12, 31)
NAME_FILTERS = (
    "source",
    "domain",
    "language",
    "detected_language",
    "any_language",
    "author",
    "keyword",
    "section",
)


def check_day(name: str, value: date | None) -> date | None:
    """`value` if it is inside the calendar the search handles (else BadQuery)."""
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise BadQuery(f"{name} must be between {FIRST_DAY} and {LAST_DAY}, not {value}")
    return value


def check_moment(name: str, value: datetime | None) -> datetime | None:
    """`value` in UTC (naive means UTC) if it is inside the calendar the search handles."""
    if value is None:
        return None
    check_day(name, value.date())
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def check_name(name: str, value: str | None) -> str | None:
    """`value` if it holds no control characters (NUL included), else BadQuery."""
    if value is not None and any(unicodedata.category(ch) == "Cc" for ch in value):
        raise BadQuery(f"{name} must not contain control characters")
    return value
