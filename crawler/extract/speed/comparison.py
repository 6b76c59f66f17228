"""Skip trafilatura's second opinion when it cannot change the answer.

After its own extraction, trafilatura (unless ``fast``) runs readability on
a fresh copy of the page and sometimes jusText, then keeps its own text
unless one of a few rules prefers the other (``trafilatura.external``):

- readability wins when its text is more than twice as long as trafilatura's,
  or trafilatura's is empty, or has no paragraph text, or is mostly tables;
- jusText is consulted when trafilatura's text is short or holds leftover
  widgets (``SANITIZED_XPATH``).

Readability's text is drawn from the page's own text nodes, minus the ones
it deletes first (script, style, fencedframe), with runs of white space
folded. So when all the page's other text, counted generously, is at most
twice trafilatura's, readability cannot win, and the comparison is skipped:
the output is the same by construction, without the copy, the readability
pass and its pruning (measured: 14% of our extraction's CPU on the
evaluation pages; every one of the 1,023 outputs unchanged).

trafilatura offers no hook for this; ``install`` wraps its private
``trafilatura.core._extract_and_compare`` (trafilatura is pinned exactly)
and only for option objects of our ``NewsExtractor`` class, so plain
trafilatura in the same process (the benchmarks' baseline) is untouched.
``tests/extract/test_speed_shortcuts.py`` fails if trafilatura's internals move.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from copy import copy
from typing import Any

import trafilatura.core as trafilatura_core
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.external import SANITIZED_XPATH, compare_extraction
from trafilatura.main_extractor import extract_content
from trafilatura.settings import Extractor

# Elements whose text readability removes before it looks at the page.
_DELETED_BY_READABILITY = ("script", "style", "fencedframe")
# Raw-text elements whose escaped text would come back longer (see readable_text_bound).
_UNBOUNDED = ("plaintext", "xmp", "noembed", "noframes")
_ESCAPE_GROWTH = 5  # len("&amp;") / len("&")
_FOCUSES_WITH_LENGTH_RULE_ONLY = ("precision", "balanced")

CompareStep = Callable[[HtmlElement, HtmlElement, HtmlElement, Extractor], tuple[_Element, str]]


class NewsExtractor(Extractor):
    """trafilatura options that allow skipping a comparison that cannot change the result."""

    __slots__ = ()
    skip_idle_comparison = True


def _folded_length(root: HtmlElement) -> int:
    """Characters of ``root``'s text nodes, each stripped, plus one separator per non-empty node."""
    # map() over C-level methods: a Python loop here cost 1-2% of an extraction.
    pieces = list(filter(None, map(str.strip, root.itertext())))
    return sum(map(len, pieces)) + len(pieces)


def readable_text_bound(tree: HtmlElement) -> int:
    """An upper bound on the length of any text readability can return for ``tree``.

    Each text node counts stripped, plus one for the space that folding may
    leave between nodes; the text of deleted elements is not counted.
    Readability's output makes a round trip through XML and back through
    the HTML parser, which adds text in two places, counted here too: an
    embedded video frame gets the text "VIDEO", and inside raw-text
    elements escaped characters stay escaped ("&" comes back as "&amp;").
    A page with ``<plaintext>`` or ``<xmp>``-like elements is not bounded.
    """
    body = tree.find("body")
    root = body if body is not None else tree
    if next(root.iter(*_UNBOUNDED), None) is not None:
        return sys.maxsize
    total = _folded_length(root)
    for deleted in root.iter(*_DELETED_BY_READABILITY):
        if any(a.tag in _DELETED_BY_READABILITY for a in deleted.iterancestors()):
            continue  # already counted with the outer deleted element
        total -= _folded_length(deleted)  # itertext() leaves out the element's own tail
    for frame in root.iter("iframe"):
        # "VIDEO" plus a separator, and the frame's own text escaped at most 5x ("&" -> "&amp;").
        total += len("VIDEO") + 1 + (_ESCAPE_GROWTH - 1) * _folded_length(frame)
    return total


def comparison_is_idle(body: _Element, text: str, tree: HtmlElement, options: Extractor) -> bool:
    """True when neither readability nor jusText could replace ``text`` (see the module doc)."""
    if options.focus not in _FOCUSES_WITH_LENGTH_RULE_ONLY:
        return False  # recall mode has looser rules for readability
    if len(text) < options.min_extracted_size or body.xpath(SANITIZED_XPATH):
        return False  # jusText would be consulted
    if not body.xpath(".//p//text()") or len(body.findall(".//table")) > len(body.findall(".//p")):
        return False  # readability may win on structure, whatever the lengths
    return readable_text_bound(tree) <= 2 * len(text)


def _extract_and_maybe_compare(original: CompareStep) -> CompareStep:
    def step(
        cleaned_tree: HtmlElement, cleaned_tree_backup: HtmlElement, tree: HtmlElement, options: Extractor
    ) -> tuple[_Element, str]:
        if not getattr(options, "skip_idle_comparison", False) or options.fast:
            return original(cleaned_tree, cleaned_tree_backup, tree, options)
        body, text = extract_content(cleaned_tree, options)
        if comparison_is_idle(body, text, tree, options):
            return body, text
        return compare_extraction(cleaned_tree_backup, copy(tree), body, text, options)

    step.wrapped = original  # type: ignore[attr-defined]
    return step


def install() -> None:
    """Wrap trafilatura's comparison step once; idempotent."""
    current: Any = trafilatura_core._extract_and_compare
    if getattr(current, "wrapped", None) is None:
        trafilatura_core._extract_and_compare = _extract_and_maybe_compare(current)  # type: ignore[assignment]
