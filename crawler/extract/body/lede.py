"""The standfirst (lede, teaser) printed above the article body.

News pages print a summary paragraph between the headline and the body,
often in the article header, where trafilatura does not look. When that
visible paragraph repeats the page's own description (JSON-LD, og or meta
description), it is part of the article as published and goes first in the
text. The description alone is never added: it must be visible on the page.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from newsarchive.crawler.extract.body.regions import in_furniture
from newsarchive.crawler.extract.keys import squash

_TAGS = ("p", "div", "h2", "span", "strong", "section", "header")
# Class names CMSs give the standfirst; the markup must say "lede", not only
# the text: a description repeated in a teaser box elsewhere is not a lede.
_LEDE_WORDS = (
    "lead", "lede", "teaser", "intro", "standfirst", "summary", "description", "dek", "subtitle", "subline",
    "sub-title", "excerpt", "abstract", "vorspann", "chapeau", "entradilla", "sottotitolo",
)  # fmt: skip


# One compiled alternation: cheaper than a generator of substring tests per value.
_LEDE_WORD = re.compile("|".join(map(re.escape, _LEDE_WORDS)))


def visible_lede(tree: HtmlElement, description: str | None) -> str | None:
    """The visible element that prints ``description``, as text, or None."""
    if not description or len(description) < 40:
        return None
    want = squash(description.rstrip(".… "))
    if len(want) < 30:
        return None
    # Candidates by attribute value (no Python object per element): the lede
    # class on the element itself or on its parent.
    candidates: list[HtmlElement] = []
    for value in tree.xpath("//body//@class | //body//@itemprop"):
        low = value.lower()
        if not _LEDE_WORD.search(low):
            continue
        holder = value.getparent()
        if holder is None:
            continue
        candidates.append(holder)
        candidates.extend(child for child in holder if isinstance(child.tag, str))
    for node in candidates:
        if node.tag not in _TAGS or len(node) > 4:
            continue
        text = " ".join(node.text_content().split())
        if not 0.8 * len(description) <= len(text) <= 1.3 * len(description) + 20:
            continue
        key = squash(text)
        if (key == want or key.startswith(want)) and not in_furniture(node):
            return text
    return None


def with_lede(text: str, lede: str | None) -> str:
    if not lede or squash(lede)[:80] in squash(text[: len(lede) * 3 + 200]):
        return text
    return f"{lede}\n{text}" if text else lede
