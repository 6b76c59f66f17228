"""The dates a page prints around its headline: the byline date readers see.

Bylines sit next to the headline: "By Jane Doe · December 18, 2025",
"Published 3. Mai 2024, Updated …", a date line just above the ``<h1>``.
Only a short stretch of visible text before and after the headline is read
(through XPath axes, without walking the whole page), so dates in the body,
in related-article lists and in comments are out of reach. Each date keeps
the label written before it: a date after "Updated"/"Aktualisiert" is the
revision, not the publication.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from lxml import etree
from lxml.html import HtmlElement

from newsarchive.crawler.extract.body.regions import in_furniture
from newsarchive.crawler.extract.dates.calendar_text import find_dates
from newsarchive.crawler.extract.dates.declared import normalise
from newsarchive.crawler.extract.keys import squash

# Visible text read after and before the headline, in characters: a byline
# with names, roles and a reading time fits; the article's first paragraphs
# mostly do not.
AFTER_CHARS = 400
BEFORE_CHARS = 150
# A byline date sits in a short text run; a date in a longer run is a sentence of the body.
SHORT_RUN = 80
# At most this many text runs per window: a list of one-word links is not a byline.
MAX_RUNS = 60
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "title", "option", "button"})
_LABEL = re.compile(
    r"(?P<updated>\b(?:(?:last\s+)?updated?|modified|(?:last\s+)?reviewed|revised|refreshed|"
    r"aktualisiert|ge(?:ä|ae)ndert|stand|mis\s+à\s+jour|màj|actualizad[oa]|actualización|aggiornat[oa]|"
    r"aggiornamento|bijgewerkt|gewijzigd|atualizad[oa]|uppdaterad|opdateret|oppdatert)\b)"
    r"|(?P<published>\b(?:published|posted|publication|released|veröffentlicht|erschienen|publié|"
    r"publicad[oa]|pubblicat[oa]|gepubliceerd|geplaatst|publicerad|udgivet|publisert)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ShownDate:
    day: date
    label: str  # "published", "updated" or "" (no label)
    short: bool  # printed in a short text run (a byline), not inside a sentence
    declared: str | None  # the ``datetime`` of a ``<time>`` element printing it, normalised
    other: date | None = None  # the second reading of an ambiguous numeric date ("03/01/2017")

    @property
    def days(self) -> set[date]:
        return {self.day} if self.other is None else {self.day, self.other}

    @property
    def settled(self) -> bool:
        """True when the day is certain: unambiguous, or confirmed by a ``<time datetime>``."""
        return self.other is None or self.declared is not None


def headline(tree: HtmlElement, title: str | None = None) -> HtmlElement | None:
    """The article's ``<h1>``: the one showing ``title``, else the first inside ``<article>``/``<main>``, else the first.

    Themes often make the site name an ``<h1>`` too, above the headline.
    """
    key = squash(title or "")
    first = in_article = None
    for node in tree.iterfind(".//h1"):
        text = squash(node.text_content())
        if not text:
            continue
        if key and (text == key or (len(key) > 20 and key in text)):
            return node
        if in_article is None and any(a.tag in ("article", "main") for a in node.iterancestors()):
            in_article = node
        first = first if first is not None else node
    return in_article if in_article is not None else first


def _preceding(h1: HtmlElement) -> Iterator[tuple[str, HtmlElement]]:
    """Text runs before the headline, nearest first, each with the element it belongs to."""
    # XPath gives lxml "smart strings" in document order; reversed, the nearest come first.
    for text in h1.xpath("preceding::text()[normalize-space()][position() <= 12]")[::-1]:
        parent = text.getparent()
        if parent is None or (not text.is_tail and parent.tag in _INVISIBLE):
            continue
        owner = parent.getparent() if text.is_tail else parent
        if owner is not None:
            yield text, owner


def _following(h1: HtmlElement) -> Iterator[tuple[str, HtmlElement]]:
    """Text runs after the headline in reading order, each with the element it belongs to.

    Walks the headline's following siblings, then its ancestors' (lazily:
    only as far as the window needs, not to the end of the page).
    """
    node = h1
    while node is not None:
        parent = node.getparent()
        if node.tail and parent is not None:
            yield node.tail, parent
        for sibling in node.itersiblings():
            for event, element in etree.iterwalk(sibling, events=("start", "end")):
                if event == "start":
                    if element.text and isinstance(element.tag, str) and element.tag not in _INVISIBLE:
                        yield element.text, element
                elif element.tail and element.getparent() is not None:
                    yield element.tail, element.getparent()
        node = parent


def _window(pairs: Iterator[tuple[str, HtmlElement]], limit: int) -> list[tuple[str, HtmlElement]]:
    runs: list[tuple[str, HtmlElement]] = []
    size = 0
    for text, owner in pairs:
        run = " ".join(text.split())
        if not run or not isinstance(owner.tag, str):
            continue
        runs.append((run, owner))
        size += len(run) + 1
        if size >= limit or len(runs) >= MAX_RUNS:
            break
    return runs


def _time_value(node: HtmlElement) -> str | None:
    for candidate in (node, node.getparent()):
        if candidate is not None and candidate.tag == "time":
            return normalise(candidate.get("datetime"))
    return None


def _scan(runs: list[tuple[str, HtmlElement]], lang: str | None) -> list[ShownDate]:
    text = " ".join(run for run, _ in runs)
    starts, offset = [], 0
    for run, _ in runs:
        starts.append(offset)
        offset += len(run) + 1
    found: list[ShownDate] = []
    previous_end = 0
    for start, end, day, other in find_dates(text, lang):
        index = max(i for i, s in enumerate(starts) if s <= start)
        run, owner = runs[index]
        if in_furniture(owner):
            previous_end = end
            continue
        label = ""
        for match in _LABEL.finditer(text[max(previous_end, start - 40) : start]):
            label = "updated" if match.group("updated") else "published"
        declared = _time_value(owner)
        if other is not None and declared and declared[:10] == other.isoformat():
            day, other = other, None
        if declared and declared[:10] != day.isoformat():
            declared = None
        if declared:
            other = None
        found.append(ShownDate(day, label, len(run) <= SHORT_RUN, declared, other))
        previous_end = end
    return found


def shown_dates(
    tree: HtmlElement, lang: str | None, title: str | None = None
) -> tuple[list[ShownDate], list[ShownDate]]:
    """Dates printed just before and just after the headline, each in reading order."""
    h1 = headline(tree, title)
    if h1 is None:
        return [], []
    after = _window(_following(h1), AFTER_CHARS)
    before = _window(_preceding(h1), BEFORE_CHARS)
    return _scan(before[::-1], lang), _scan(after, lang)
