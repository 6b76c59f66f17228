"""The publication and modification dates of a page: declared, checked against the byline.

The declared dates (JSON-LD, meta tags, WebPage nodes, microdata, ``<time>``)
come first. The date printed next to the headline is what the publisher
tells readers, and it overrides the declared one only where the two cannot
be the same day:

- a date labelled "Published"/"Posted"/"Veröffentlicht" in the byline, or
- the one date the byline shows, without an "Updated" label, when no other
  date is printed there,

and never when the byline shows the declared day (other than as the update)
or the declared ``dateModified`` (the theme prints the revision date).
Pages written with a CMS that stamps ``datePublished`` at export or
re-import (a 2012 date on a page whose byline reads "September 8, 2021",
``datePublished`` after ``dateModified``) are the reason. A byline date
that could be the declared instant in another timezone does not override
it: the declared instant is expressed in the page's own offset when the
page's ``<time>`` elements give one, else kept as declared. With nothing
declared, the byline date is used and htmldate is not needed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from lxml.html import HtmlElement

from newsarchive.crawler.extract.dates import declared as dates
from newsarchive.crawler.extract.dates.shown import ShownDate, shown_dates
from newsarchive.crawler.extract.page.jsonld import PAGE_TYPES, text_value, types_of


def _page_node_dates(nodes: list[dict[str, Any]], key: str) -> list[str | None]:
    # WordPress SEO plugins put the dates on the WebPage node of their @graph
    # and no Article node at all; the page's dates are then the article's.
    return [text_value(n.get(key)) for n in nodes if types_of(n) & PAGE_TYPES]


def declared_dates(
    tree: HtmlElement, art: dict[str, Any], nodes: list[dict[str, Any]], meta: dict[str, str]
) -> tuple[str | None, str | None]:
    """``(published, modified)`` as the page's metadata declares them, normalised."""
    published = dates.first_date(
        [text_value(art.get("datePublished")), text_value(art.get("dateCreated"))]
        + [meta.get(k) for k in dates.PUBLISHED_META]
        + _page_node_dates(nodes, "datePublished")
    ) or dates.first_date(dates.itemprop_dates(tree, "datePublished") + dates.time_element_dates(tree))
    modified = dates.first_date(
        [text_value(art.get("dateModified"))]
        + [meta.get(k) for k in dates.MODIFIED_META]
        + _page_node_dates(nodes, "dateModified")
    ) or dates.first_date(dates.itemprop_dates(tree, "dateModified"))
    return published, modified


def byline_date(shown: list[ShownDate]) -> ShownDate | None:
    """The publication date the byline shows, when it shows one unambiguously."""
    labelled = [s for s in shown if s.label == "published" and s.settled]
    if labelled:
        return labelled[0]
    plain = [s for s in shown if not s.label and s.short]
    if plain and len({s.day for s in plain}) == 1 and plain[0].settled:
        return plain[0]
    return None


def _moment(value: str) -> datetime | None:
    """An ISO date with a time of day, as a datetime (with or without offset), else None."""
    if len(value) <= 10:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _instant(value: str) -> datetime | None:
    """An ISO date-time with an offset (a point in time), else None."""
    moment = _moment(value)
    return moment if moment is not None and moment.tzinfo is not None else None


def _page_offsets(tree: HtmlElement) -> list[timezone]:
    """The UTC offsets the page's own ``<time datetime>`` values carry, most frequent first."""
    counts: dict[timedelta, int] = {}
    for node in tree.iterfind(".//time[@datetime]"):
        moment = _instant(dates.normalise(node.get("datetime")) or "")
        if moment is not None:
            offset = moment.utcoffset()
            if offset:
                counts[offset] = counts.get(offset, 0) + 1
    return [timezone(o) for o in sorted(counts, key=counts.__getitem__, reverse=True)]


def _as_shown(declared: str, shown: date, tree: HtmlElement) -> str | None:
    """``declared`` in the page's own offset when that makes it the day shown, else None.

    A publisher that declares UTC ("2025-12-19T03:05:00+00:00") and prints
    local dates ("December 18, 2025") wrote the article on the local day.
    """
    moment = _instant(declared)
    if moment is None or abs(moment.date() - shown) > timedelta(days=1):
        return None
    for offset in _page_offsets(tree):
        local = moment.astimezone(offset)
        if local.date() == shown:
            return local.isoformat()
    return None


def _could_be_day(declared: str, shown: date) -> bool:
    """True when the declared instant falls on ``shown`` in some timezone (UTC-12 to UTC+14).

    A time without an offset is most often UTC written without its "Z".
    """
    moment = _moment(declared)
    if moment is None:
        return False
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (utc - timedelta(hours=12)).date() <= shown <= (utc + timedelta(hours=14)).date()


def _value(found: ShownDate) -> str:
    return found.declared or found.day.isoformat()


def page_dates(
    tree: HtmlElement,
    art: dict[str, Any],
    nodes: list[dict[str, Any]],
    meta: dict[str, str],
    lang: str | None,
    title: str | None,
    reference: date,
) -> tuple[str | None, str | None]:
    """``(published, modified)``: the declared dates, checked against the byline date."""
    published, modified = declared_dates(tree, art, nodes, meta)
    before, after = shown_dates(tree, lang, title)
    shown = [s for s in after + before if s.day <= reference]
    found = byline_date(after) or byline_date(before)
    if found is not None and found.day > reference:
        found = None
    if published is None:
        if found is None:
            # Nothing declared and no clear byline: the first unlabelled date near the headline.
            found = next((s for s in shown if not s.label and s.short and s.settled), None)
        return (_value(found) if found else None), modified
    if found is None or _shows(shown, published):
        return published, modified
    if modified and modified[:10] == found.day.isoformat():
        # The byline shows the declared modification date: a revision, whatever its label.
        return published, modified
    local = _as_shown(published, found.day, tree)
    if local is not None:
        return local, modified
    if _could_be_day(published, found.day):
        # The same instant seen from another timezone: the declared value stands.
        return published, modified
    return _value(found), modified


def _shows(shown: list[ShownDate], declared: str) -> bool:
    """True when the page prints the declared day around the headline, other than as the update."""
    return any(declared[:10] == day.isoformat() for s in shown if s.label != "updated" for day in s.days)
