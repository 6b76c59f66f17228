"""Calendar dates as pages print them: "Dec. 18, 2025", "3. Mai 2024", "12.12.2025".

Bylines show the date in the reader's language and the site's convention,
not ISO 8601. This module finds such dates in a string. Numeric dates are
ambiguous (03/01/2017): they are read month first for US English and day
first for other languages and locales; on a page that says only "en", both
readings are kept unless one of the numbers cannot be a month.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

# Month names and their usual abbreviations in the languages of the sets and
# near neighbours (English, German, French, Spanish, Italian, Dutch, Portuguese).
_MONTH_NAMES = {
    1: "january jan januar jän janvier janv enero ene gennaio gen januari janeiro",
    2: "february feb februar février févr fevrier febrero febbraio februari fevereiro fev",
    3: "march mar märz mär mrz mars marzo maart março",
    4: "april apr avril avr abril abr aprile",
    5: "may mai mayo maggio mag mei maio",
    6: "june jun juni juin junio giugno giu junho",
    7: "july jul juli juillet juil julio luglio lug julho",
    8: "august aug août aout agosto ago augustus",
    9: "september sep sept septembre septiembre set settembre setembro",
    10: "october oct oktober okt octobre octubre ottobre ott oktober outubro out",
    11: "november nov novembre noviembre novembre novembro",
    12: "december dec dezember dez décembre decembre diciembre dic dicembre dezembro",
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|\.)?"
_YEAR = r"(?P<y>(?:19|20)\d\d)(?!\d)"
_PATTERNS = (
    # Month first: "December 18, 2025", "Dec. 18th 2025".
    re.compile(rf"\b(?P<m>{_MONTH})\.?\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),
    # Day first: "18 December 2025", "3. Mai 2024", "3 de mayo de 2024", "18 Dec, 2025".
    re.compile(rf"\b{_DAY}\s+(?:de\s+)?(?P<m>{_MONTH})\.?,?\s+(?:de\s+)?{_YEAR}", re.IGNORECASE),
    # Day, month name and year joined by hyphens: "04-Aug-2021", "04-ago-2021" (log-style stamps).
    re.compile(rf"\b(?P<d>[0-3]?\d)-(?P<m>{_MONTH})\.?-{_YEAR}", re.IGNORECASE),
    # ISO and its slashed variant: "2025-12-18", "2025/12/18".
    re.compile(rf"\b{_YEAR}(?P<sep>[-/])(?P<mo>[01]?\d)(?P=sep)(?P<d>[0-3]?\d)(?!\d)"),
    # Numeric day-first or month-first: "18.12.2025", "12/18/2025".
    re.compile(rf"\b(?P<a>[0-3]?\d)(?P<sep>[./])(?P<b>[01]?\d|[0-3]\d)(?P=sep){_YEAR}"),
)


def _numeric_order(lang: str | None) -> str | None:
    """ "md" or "dm" when the page language settles how numeric dates read, else None.

    US English writes month first, other languages and other English
    locales day first; a page that says only "en" (or nothing) could be either.
    """
    if not lang:
        return None
    lang = lang.lower()
    if lang == "en":
        return None
    return "md" if lang.startswith("en-us") else "dm"


def _readings(
    match: re.Match[str], lang: str | None
) -> tuple[tuple[int, int, int], tuple[int, int, int] | None]:
    """The date's (year, month, day), and the other reading of an ambiguous numeric date."""
    groups = match.groupdict()
    year, day = int(groups["y"]), groups.get("d")
    if groups.get("m"):
        return (year, MONTHS[groups["m"].lower()], int(day or 0)), None
    if groups.get("mo"):
        return (year, int(groups["mo"]), int(day or 0)), None
    a, b = int(groups["a"]), int(groups["b"])
    if a > 12 or a == b:
        return (year, b, a), None
    if b > 12:
        return (year, a, b), None
    order = _numeric_order(lang)
    if order == "md":
        return (year, a, b), None
    if order == "dm":
        return (year, b, a), None
    return (year, a, b), (year, b, a)


def _date(ymd: tuple[int, int, int] | None) -> date | None:
    if ymd is None:
        return None
    try:
        return date(*ymd)
    except ValueError:
        return None


def find_dates(text: str, lang: str | None = None) -> Iterator[tuple[int, int, date, date | None]]:
    """``(start, end, date, other)`` for each date printed in ``text``, in order, overlaps removed.

    ``other`` is the second possible reading of an ambiguous numeric date
    ("03/01/2017" on a page that does not say which English), else None.
    """
    found: list[tuple[int, int, date, date | None]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            first, second = _readings(match, lang)
            day, other = _date(first), _date(second)
            if day is None:
                day, other = other, None
            if day is None:
                continue
            start, end = match.span()
            if not any(s < end and start < e for s, e, _, _ in found):
                found.append((start, end, day, other))
    yield from sorted(found)


def parse_date(text: str, lang: str | None = None) -> date | None:
    """The first unambiguous date printed in ``text``, or None."""
    return next((day for _, _, day, other in find_dates(text, lang) if other is None), None)
