"""Article bodies split into sibling blocks that share a class.

Some CMSs render one article body as several consecutive blocks with the
same tag and class (``<div class="article__body">`` … an ad row …
``<div class="article__body">``). trafilatura takes the first element its
container XPaths match, so it keeps the first block and drops the rest:
half the article or more.

This module finds such blocks by where the paragraphs are (the elements
that directly hold ``<p>`` text, grouped by tag and class), and when the
extracted text comes from some of them and misses the others, it merges
the missed blocks into the first one on a copy of the page, so that
trafilatura's own pass sees one container with the whole article.

Related-article cards and comments share a class too, so a missed block
must hold real paragraphs (long, few links), sit near the block the text
came from (within a few levels, inside the same ``<article>``), outside
page furniture, and with no other headline (``<h1>``) in between.
"""

from __future__ import annotations

from copy import deepcopy

from lxml.html import HtmlElement

from newsarchive.crawler.extract.body.frame import MIN_PARAGRAPH, furniture, key

# A missed block must hold this much paragraph text to be worth a second run.
MIN_BLOCK_TEXT = 300
# ... and the missed blocks together this much.
MIN_MISSED_TEXT = 500
# A block whose paragraphs are mostly link text is a teaser card.
MAX_LINK_SHARE = 0.3
# Blocks are parts of one body only when their common ancestor is this close.
MAX_LIFT = 3


def _paragraph_holders(tree: HtmlElement) -> dict[HtmlElement, list[HtmlElement]]:
    """Elements that directly hold paragraphs, with those paragraphs, in document order."""
    holders: dict[HtmlElement, list[HtmlElement]] = {}
    for p in tree.iter("p"):
        parent = p.getparent()
        if parent is not None and len(p.text_content().strip()) >= MIN_PARAGRAPH:
            holders.setdefault(parent, []).append(p)
    return holders


def _in_furniture(node: HtmlElement) -> bool:
    # <body> is left out: themes put words like "navigation-…" in its classes.
    return any(furniture(n) for n in (node, *node.iterancestors()) if n.tag not in ("body", "html"))


def _link_share(paragraphs: list[HtmlElement]) -> float:
    total = sum(len(p.text_content()) for p in paragraphs)
    linked = sum(len(a.text_content()) for p in paragraphs for a in p.iter("a"))
    return linked / total if total else 1.0


def _common_ancestor(a: HtmlElement, b: HtmlElement) -> tuple[HtmlElement | None, int]:
    """The lowest common ancestor of ``a`` and ``b``, and how many levels above the deeper of them it is."""
    above_b = {node: level for level, node in enumerate(b.iterancestors(), start=1)}
    for level, node in enumerate(a.iterancestors(), start=1):
        if node in above_b:
            return node, max(level, above_b[node])
    return None, 0


def _nearest_article(node: HtmlElement) -> HtmlElement | None:
    return next(node.iterancestors("article"), None)


def _headline_between(ancestor: HtmlElement, first: HtmlElement, last: HtmlElement) -> bool:
    """Whether an <h1> lies after ``first`` and before ``last`` in document order (a next article)."""
    started = False
    for node in ancestor.iter():
        if node is first:
            started = True
        elif node is last:
            return False
        elif started and node.tag == "h1":
            return True
    return False


def _belongs(block: HtmlElement, anchor: HtmlElement) -> bool:
    """Whether ``block`` can be a further part of the body whose part ``anchor`` is."""
    ancestor, level = _common_ancestor(anchor, block)
    if ancestor is None or level > MAX_LIFT:
        return False
    if _nearest_article(anchor) is not _nearest_article(block):
        return False
    ordered = (anchor, block) if _before(anchor, block) else (block, anchor)
    return not _headline_between(ancestor, *ordered)


def _before(a: HtmlElement, b: HtmlElement) -> bool:
    return a.sourceline is not None and b.sourceline is not None and a.sourceline <= b.sourceline


def split_blocks(tree: HtmlElement, text: str) -> list[HtmlElement]:
    """The blocks of one split body when ``text`` misses some of them (document order), else []."""
    have = key(text)
    groups: dict[tuple[str, str], list[HtmlElement]] = {}
    holders = _paragraph_holders(tree)
    for holder in holders:
        marks = holder.get("class")
        if marks and isinstance(holder.tag, str):
            groups.setdefault((holder.tag, marks), []).append(holder)
    best: list[HtmlElement] = []
    best_missed = MIN_MISSED_TEXT - 1
    for members in groups.values():
        if len(members) < 2:
            continue
        found = [m for m in members if any(key(p.text_content()) in have for p in holders[m])]
        if not found or _in_furniture(found[0]):
            continue
        anchor = found[0]
        missed = {}
        for member in members:
            if member in found:
                continue
            paragraphs = holders[member]
            size = sum(len(p.text_content().strip()) for p in paragraphs)
            if size < MIN_BLOCK_TEXT or _link_share(paragraphs) > MAX_LINK_SHARE:
                continue
            if not _in_furniture(member) and _belongs(member, anchor):
                missed[member] = size
        # Several groups can qualify (a body and its pull quotes): the one missing most text wins.
        if sum(missed.values()) > best_missed:
            best_missed = sum(missed.values())
            best = [m for m in members if m is anchor or m in missed]
    return best


def merged_copy(tree: HtmlElement, blocks: list[HtmlElement]) -> HtmlElement:
    """A copy of ``tree`` whose ``blocks`` are one element: the later blocks' content moved into the first."""
    root = tree.getroottree()
    paths = [root.getpath(block) for block in blocks]
    copy = deepcopy(tree)
    # Resolve every path before moving anything: moving shifts later paths.
    targets = [copy.getroottree().xpath(path)[0] for path in paths]
    first = targets[0]
    for block in targets[1:]:
        if block.text and block.text.strip():
            # Loose text at the start of a block becomes a text node after the first block's last child.
            if len(first):
                first[-1].tail = (first[-1].tail or "") + block.text
            else:
                first.text = (first.text or "") + block.text
        for child in list(block):
            first.append(child)
        parent = block.getparent()
        if parent is not None:
            block.drop_tree()
    return copy
