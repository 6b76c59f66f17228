"""Guesses from the page text, for pages that declare no author or date.

Both delegate to the libraries trafilatura itself uses (its byline XPaths,
htmldate), called only when the declared metadata is missing: htmldate's
full-text search costs more than the rest of the extraction.
"""

from __future__ import annotations

import logging
from datetime import date

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import extract_author

from crawler.extract.dates import normalise

LOG = logging.getLogger(__name__)


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
