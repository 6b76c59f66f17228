"""Guesses from the page text, for pages that declare no author or date.

Both delegate to the libraries trafilatura itself uses (its byline XPaths,
htmldate), called only when the declared metadata is missing: htmldate's
full-text search costs more than the rest of the extraction.

htmldate's last resort for a date written in words is dateparser, which
loads every one of its ~200 locales on first use: about 85 MB and 1 s of
CPU in each extraction worker, most of a worker's memory. Our own reader
of printed dates (``datetext.py``: seven languages, the ones of our
evaluation sets and their neighbours) takes its place; on the 1,023
evaluation pages no output changed.
``NEWSARCHIVE_DATEPARSER=1`` keeps dateparser, for archives of sites in
other languages that declare no dates.
"""

from __future__ import annotations

import logging
import os
from datetime import date, datetime

import htmldate.extractors
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import extract_author

from newsarchive.crawler.extract.dates.calendar_text import parse_date
from newsarchive.crawler.extract.dates.declared import normalise

LOG = logging.getLogger(__name__)
DATEPARSER_SWITCH = "NEWSARCHIVE_DATEPARSER"


def _printed_date(string: str) -> datetime | None:
    """In place of htmldate's call to dateparser: the first unambiguous date printed in ``string``.

    The parameter is named as htmldate's own ``_external_date`` names it.
    """
    day = parse_date(string)
    return datetime(day.year, day.month, day.day) if day else None


def _always(*_: object) -> bool:
    # htmldate's cue check exists to spare dateparser; it loads every
    # locale's month names itself, and our reader is cheap.
    return True


def replace_dateparser() -> bool:
    """Point htmldate's word-date fallback at our reader; False when kept or when htmldate changed."""
    if os.environ.get(DATEPARSER_SWITCH) == "1":
        return False
    if not all(hasattr(htmldate.extractors, name) for name in ("_external_date", "has_date_cue")):
        LOG.warning("htmldate's internals moved; its dateparser fallback stays in use")
        return False
    htmldate.extractors._external_date = _printed_date
    htmldate.extractors.has_date_cue = _always  # type: ignore[assignment]  # takes anything, says yes
    return True


replace_dateparser()


def byline(tree: HtmlElement) -> list[str]:
    try:
        found = extract_author(tree)
    except Exception:  # noqa: BLE001 - a heuristic failing means "no author", not a failed page
        LOG.debug("byline search failed", exc_info=True)
        return []
    return [found] if found else []


def guessed_date(tree: HtmlElement, url: str | None, reference: date) -> str | None:
    """htmldate's best original-publication date, never later than ``reference``."""
    try:
        found = find_date(
            tree,
            url=url,
            original_date=True,
            extensive_search=True,
            max_date=reference.isoformat(),
            outputformat="%Y-%m-%d",
        )
    except Exception:  # noqa: BLE001
        LOG.debug("date search failed", exc_info=True)
        return None
    return normalise(found)
