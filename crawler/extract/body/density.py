"""A second body candidate, built differently from trafilatura's: the densest block.

trafilatura picks the article container by its class and id names and
then filters its children; when no name matches it falls back to loose
paragraphs of the whole page, and either way it can keep what follows the
article inside the same wrapper (teaser lists, "more stories"). The
candidate here knows no class names at all: every paragraph gives its
parent a score for its length and its commas (prose has commas, menus and
teasers do not) and half of it to its grandparent; an element's score is
then cut by its link density (the share of its text inside links). The
element with the best score is the densest block of prose on the page.
Markup semantics decide what is never part of it: ``nav``, ``aside``,
``footer``, ``header``, ``form`` and their ARIA roles.

It runs on the tree already parsed for trafilatura, and only when the
first candidate looks doubtful (``main_text`` decides), so most pages never
pay for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

# Paragraphs shorter than this are labels, buttons and captions.
MIN_BLOCK = 25
# A paragraph's length counts one point per this many characters, up to MAX_LENGTH_POINTS.
CHARS_PER_POINT = 100
MAX_LENGTH_POINTS = 3
# A sibling of the best element joins the candidate with this share of its score.
SIBLING_SHARE = 0.2
# A line of the candidate region that is mostly link text is a teaser or a menu entry.
LINKED_SHARE = 0.5

_OUTSIDE_TAGS = frozenset({"nav", "aside", "footer", "header", "form"})
_OUTSIDE_ROLES = frozenset({"navigation", "complementary", "contentinfo", "banner", "search", "dialog"})
_BLOCKS = ("p", "pre", "blockquote", "li", "h2", "h3", "h4", "h5", "h6", "td", "dd")
_COMMAS = re.compile("[,，、،]")
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """The densest block: its element(s), their whole text and their teaser or furniture blocks.

    Texts are lower-case word keys (``key``), so a line of extracted text
    is found in them whatever its spacing and punctuation.
    """

    elements: tuple[HtmlElement, ...]
    region: str
    excluded: tuple[str, ...]
    # List items and table rows anywhere on the page that are link-dense or furniture.
    linked_items: frozenset[str] = frozenset()

    def holds(self, line_key: str) -> bool:
        """Whether a line (as a word key) is prose of the candidate, not one of its teasers."""
        if not line_key or line_key not in self.region:
            return False
        return not any(line_key in k for k in self.excluded)


def outside(node: HtmlElement) -> bool:
    """Whether ``node`` is page furniture by markup semantics alone (tag or ARIA role)."""
    return node.tag in _OUTSIDE_TAGS or (node.get("role") or "").strip().lower() in _OUTSIDE_ROLES


def key(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def _paragraph_scores(tree: HtmlElement) -> dict[HtmlElement, float]:
    """Each element's score from the paragraphs under it (parent: all of it, grandparent: half)."""
    scores: dict[HtmlElement, float] = {}
    excluded: dict[HtmlElement, bool] = {}
    for p in tree.iter("p", "pre"):
        text = p.text_content().strip()
        if len(text) < MIN_BLOCK:
            continue
        parent = p.getparent()
        if parent is None:
            continue
        if parent not in excluded:
            excluded[parent] = any(outside(n) for n in (parent, *parent.iterancestors()))
        if excluded[parent]:
            continue
        points = 1 + len(_COMMAS.findall(text)) + min(len(text) // CHARS_PER_POINT, MAX_LENGTH_POINTS)
        scores[parent] = scores.get(parent, 0.0) + points
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + points / 2
    return scores


def link_density(node: HtmlElement) -> float:
    text = len(node.text_content().strip())
    if not text:
        return 0.0
    return min(1.0, sum(len(a.text_content().strip()) for a in node.iter("a")) / text)


def densest_block(tree: HtmlElement) -> Candidate | None:
    """The densest block of prose on the page, or None when the page has no paragraphs."""
    raw = _paragraph_scores(tree)
    if not raw:
        return None
    # Link density needs each element's text: only for the leaders, not every scored element.
    leaders = sorted(raw, key=raw.__getitem__, reverse=True)[:8]
    final = {node: raw[node] * (1 - link_density(node)) for node in leaders}
    best = max(final, key=final.__getitem__)
    chosen = [best]
    parent = best.getparent()
    if parent is not None:
        floor = SIBLING_SHARE * final[best]
        for sibling in parent:
            if sibling is best or not isinstance(sibling.tag, str) or sibling not in raw:
                continue
            if raw[sibling] * (1 - link_density(sibling)) >= floor:
                chosen.append(sibling)
    chosen += _twins(tree, best, raw, chosen)
    region = "\n".join(key(e.text_content()) for e in chosen)
    return Candidate(tuple(chosen), region, tuple(_excluded_keys(chosen)), _linked_items(tree))


def _twins(
    tree: HtmlElement, best: HtmlElement, raw: dict[HtmlElement, float], chosen: list[HtmlElement]
) -> list[HtmlElement]:
    """Other elements of the best one's tag and class that hold paragraphs: the rest of a split body.

    An article cut into blocks by figures and ads (one ``<div class="post-content">``
    per section) has its densest block in one of them; the others are the
    same article, wherever they sit in the tree. Classless elements have no
    such signature (every bare ``<div>`` would match).
    """
    signature = best.get("class")
    if not signature:
        return []
    return [
        node
        for node in tree.iter(best.tag)
        if node.get("class") == signature and node in raw and node not in chosen
    ]


def _linked_items(tree: HtmlElement) -> frozenset[str]:
    """Word keys of the page's list items and table rows that are teasers or menu entries."""
    found = set()
    for item in tree.iter("li", "tr", "dd"):
        if link_density(item) > LINKED_SHARE or any(outside(n) for n in item.iterancestors()):
            k = key(item.text_content())
            if k:
                found.add(k)
    return frozenset(found)


def _excluded_keys(elements: list[HtmlElement]) -> list[str]:
    """Word keys of what inside ``elements`` is not prose: furniture by markup, link-dense blocks."""
    keys: list[str] = []
    for element in elements:
        for node in element.iter():
            if not isinstance(node.tag, str):
                continue
            if outside(node) or (node.tag in _BLOCKS and link_density(node) > LINKED_SHARE):
                k = key(node.text_content())
                if k:
                    keys.append(k)
    return keys
