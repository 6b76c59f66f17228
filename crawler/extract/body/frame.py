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
# A list item or heading whose text is mostly a link is a teaser or a menu entry.
LINKED_SHARE = 0.5
# trafilatura's container is trusted when its paragraphs hold this share of its text.
TRUSTED_SHARE = 0.5
# The frame is tried when this many characters of its list items and headings are missing.
MIN_MISSING = 200

# An id with this many hyphens is a slug made from a heading.
SLUG_HYPHENS = 3

_SKIP = frozenset({"nav", "footer", "aside", "header", "form"})
# Class or id tokens starting with these mark page furniture (a "footer-fragments"
# div with the site's address paragraphs, a "sidebar__promo").
_FURNITURE_PREFIXES = (
    "footer", "sidebar", "comment", "related", "nav", "menu", "cookie", "consent", "newsletter",
    "subscribe", "share", "social", "breadcrumb", "modal", "popup",
)  # fmt: skip
_TOKEN = re.compile(r"\s+")
_WORDS = re.compile(r"\w+")


def furniture(node: HtmlElement) -> bool:
    """Whether ``node`` is page furniture by its tag or a class/id token (footer, sidebar, comments, …)."""
    if node.tag in _SKIP:
        return True
    ident = node.get("id") or ""
    # An id of many hyphenated words is a heading's anchor slug ("menu-ideas-for-…"), not a widget name.
    if ident.count("-") >= SLUG_HYPHENS:
        ident = ""
    marks = f"{node.get('class') or ''} {ident}".lower()
    return any(token.startswith(_FURNITURE_PREFIXES) for token in _TOKEN.split(marks) if token)


def _paragraph_totals(tree: HtmlElement) -> dict[HtmlElement, int]:
    """Paragraph characters under each element, paragraphs inside page furniture left out."""
    # Paragraphs share parents: sum per parent first, then walk each
    # distinct parent's ancestry once (a few dozen walks, not one per <p>).
    direct: dict[HtmlElement, int] = {}
    for p in tree.iter("p"):
        size = len(p.text_content().strip())
        parent = p.getparent()
        if size >= MIN_PARAGRAPH and parent is not None:
            direct[parent] = direct.get(parent, 0) + size
    totals: dict[HtmlElement, int] = {}
    for parent, size in direct.items():
        chain = [parent, *parent.iterancestors()]
        if any(furniture(node) for node in chain):
            continue
        for node in chain:
            totals[node] = totals.get(node, 0) + size
    return totals


def find_frame(tree: HtmlElement) -> HtmlElement | None:
    """The element holding the bulk of the paragraph text, or None when there is little."""
    totals = _paragraph_totals(tree)
    body = next(tree.iter("body"), None)
    node = body if body is not None else tree
    if totals.get(node, 0) < MIN_FRAME_TEXT:
        return None
    while True:
        best = max((c for c in node if isinstance(c.tag, str)), key=lambda c: totals.get(c, 0), default=None)
        if best is None or totals.get(best, 0) < DESCEND_SHARE * totals.get(node, 0):
            return node
        node = best


def key(text: str) -> str:
    """``text`` as lower-case words, for comparing extracted lines with the page's."""
    return " ".join(_WORDS.findall(text.casefold()))


def missing_structure(frame: HtmlElement, extracted: str) -> int:
    """Characters of the frame's list items and sub-headings that ``extracted`` does not contain."""
    have = key(extracted)
    missing = 0
    for node in frame.iter("li", "h2", "h3", "h4", "h5", "h6"):
        raw = node.text_content()
        text = key(raw)
        if len(text) < MIN_PARAGRAPH or text in have:
            continue
        # Link lists and linked headlines are teasers and menus, which
        # trafilatura drops on purpose.
        if sum(len(a.text_content()) for a in node.iter("a")) > LINKED_SHARE * len(raw):
            continue
        if next(node.iterancestors("a"), None) is not None:
            continue
        missing += len(text)
    return missing


def trafilatura_frames(tree: HtmlElement, extracted: int) -> bool:
    """Whether trafilatura's own container XPaths pick an element that can hold its ``extracted`` text.

    Then its main pass worked and its result is kept: a frame found by
    paragraph text can be wider (teaser lists below the article) or narrower
    (a standfirst above it) than the container the page names. trafilatura
    takes the first expression whose first match has content, so does this.
    The XPaths cost several milliseconds on a big page: call this only when
    the frame's lists and headings are missing from the text.
    """
    totals = _paragraph_totals(tree)
    for expr in BODY_XPATH:
        match = next((m for m in expr(tree) if m is not None), None)
        if match is None or not totals.get(match, 0):
            continue
        return totals[match] >= TRUSTED_SHARE * extracted
    return False
