"""The article's frame: the element that holds the bulk of the page's paragraphs.

trafilatura looks for the article container by class and id names
("entry-content", "article-body", <article>, <main>, …). On a page whose
container has none of them (site builders, landing-page CMSs) its main pass
finds nothing, and its fallback gathers loose <p> elements from the whole
page: the paragraphs survive, but sub-headings, lists and tables between
them are lost. Measured on our evaluation sets, that is the commonest cause
of a body missing half its text.

This module finds the frame by where the paragraph text is: starting at
<body>, it walks down into the child that holds most of the paragraph text
as long as that child holds nearly all of it; where the text spreads over
several children, that element is the frame.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement
from trafilatura.xpaths import BODY_XPATH

# Paragraphs shorter than this are labels and buttons, not article text.
MIN_PARAGRAPH = 25
# Walk into a child while it holds at least this share of its parent's paragraph text.
DESCEND_SHARE = 0.8
# A frame must hold this much paragraph text to be worth a second extraction.
MIN_FRAME_TEXT = 800
# trafilatura's own container is trusted when it holds this share of the frame's text.
TRUSTED_SHARE = 0.5

_SKIP = frozenset({"nav", "footer", "aside", "header", "form"})
# Class or id tokens starting with these mark page furniture (a "footer-fragments"
# div with the site's address paragraphs, a "sidebar__promo").
_FURNITURE_PREFIXES = (
    "footer", "sidebar", "comment", "related", "nav", "menu", "cookie", "consent", "newsletter",
    "subscribe", "share", "social", "breadcrumb", "modal", "popup",
)  # fmt: skip
_TOKEN = re.compile(r"[\s]+")


def _furniture(node: HtmlElement) -> bool:
    if node.tag in _SKIP:
        return True
    marks = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
    return any(token.startswith(_FURNITURE_PREFIXES) for token in _TOKEN.split(marks) if token)


def _paragraph_totals(tree: HtmlElement) -> dict[HtmlElement, int]:
    """Paragraph characters under each element (each <p> counted for all its ancestors)."""
    totals: dict[HtmlElement, int] = {}
    for p in tree.iter("p"):
        size = len(" ".join(p.text_content().split()))
        if size < MIN_PARAGRAPH:
            continue
        ancestors = list(p.iterancestors())
        if any(_furniture(a) for a in ancestors):
            continue
        for anc in ancestors:
            totals[anc] = totals.get(anc, 0) + size
    return totals


def find_frame(tree: HtmlElement) -> HtmlElement | None:
    """The element holding the bulk of the paragraph text, or None when there is little."""
    totals = _paragraph_totals(tree)
    body = next(tree.iter("body"), None)
    node = body if body is not None else tree
    total = totals.get(node, 0)
    if total < MIN_FRAME_TEXT:
        return None
    while True:
        best = max((c for c in node if isinstance(c.tag, str)), key=lambda c: totals.get(c, 0), default=None)
        if best is None or totals.get(best, 0) < DESCEND_SHARE * totals.get(node, 0):
            return node
        node = best


def trafilatura_frames(tree: HtmlElement, extracted: int) -> bool:
    """Whether trafilatura's container XPaths pick an element that can hold its ``extracted`` text."""
    totals = _paragraph_totals(tree)
    want = extracted
    for expr in BODY_XPATH:
        match = next((m for m in expr(tree) if m is not None), None)
        if match is None:
            continue
        have = totals.get(match, 0)
        if have == 0:
            continue
        return have >= TRUSTED_SHARE * want
    return False
