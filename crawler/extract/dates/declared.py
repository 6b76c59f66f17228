"""Publication and modification dates as the publisher declared them.

Declared metadata (JSON-LD, Open Graph article tags, itemprop, ``<time>``)
beats guessing; htmldate (through trafilatura) is the fallback for pages
that declare nothing, and it is given a reference date derived from the
fetch time so the result does not depend on the day the code runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from lxml.html import HtmlElement

from newsarchive.crawler.extract.dates.calendar_text import find_dates

PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "publishdate",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "article:published",
    "og:published_time",
    "cxenseparse:recs:publishtime",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "article.updated",
    "last-modified",
    "dcterms.modified",
    "article:modified",
)

_ISO_PREFIX = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?\b")
_SLASHED = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\b")


def normalise(value: str | None) -> str | None:
    """An ISO 8601 date or datetime string, or None when ``value`` is not a real date."""
    if not value or not isinstance(value, str):
        return None
    match = _ISO_PREFIX.match(value)
    if match:
        y, mo, d, h, mi, s, tz = match.groups()
    else:
        match = _COMPACT.match(value) or _SLASHED.match(value)
        if not match:
            return _written(value)
        groups = match.groups()
        y, mo, d = groups[:3]
        h, mi, s = groups[3:6] if len(groups) > 3 else (None, None, None)
        tz = None
    try:
        day = date(int(y), int(mo), int(d))
    except ValueError:
        return None
    if not 1990 <= day.year <= 2100:
        return None
    if h is None or mi is None:
        return day.isoformat()
    try:
        moment = datetime(day.year, day.month, day.day, int(h), int(mi), int(s or 0))
    except ValueError:
        return day.isoformat()
    out = moment.isoformat()
    if tz:
        if tz == "Z":
            out += "+00:00"
        else:
            tz = tz if ":" in tz else f"{tz[:3]}:{tz[3:]}"
            out += tz
    return out


def _written(value: str) -> str | None:
    """A value that is a date as people write it ("March 27, 2025", "13/11/2025 09:21"), day only.

    Only when the value starts with the date and the reading is certain.
    """
    for start, _, day, other in find_dates(value[:40]):
        if start <= 3 and other is None and 1990 <= day.year <= 2100:
            return day.isoformat()
        break
    return None


def _machine_readable(value: str) -> bool:
    return bool(_ISO_PREFIX.match(value) or _COMPACT.match(value) or _SLASHED.match(value))


def first_date(candidates: Sequence[str | None]) -> str | None:
    """The first candidate that is a date; a day written for people ("Jun 12, 2025") only
    when no candidate is machine-readable, which also gives the time and offset."""
    written = None
    for candidate in candidates:
        found = normalise(candidate)
        if found and (len(found) > 10 or _machine_readable(candidate or "")):
            return found
        written = written or found
    return written


def itemprop_dates(tree: HtmlElement, prop: str) -> list[str]:
    """Values of microdata ``itemprop`` date elements (content, datetime, or text)."""
    values = []
    for node in tree.iterfind(f".//*[@itemprop='{prop}']"):
        values.append(node.get("content") or node.get("datetime") or node.text_content())
    return values


def time_element_dates(tree: HtmlElement) -> list[str]:
    """``<time pubdate>``, then ``<time>`` inside an article header: common CMS markup."""
    marked, others = [], []
    for node in tree.iterfind(".//time"):
        value = node.get("datetime")
        if not value:
            continue
        if node.get("pubdate") is not None or "publish" in (node.get("class") or "").lower():
            marked.append(value)
        else:
            others.append(value)
    return marked + others[:1]
