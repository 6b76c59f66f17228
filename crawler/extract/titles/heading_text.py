"""The text of a headline element as a reader sees it, line breaks included.

``text_content()`` joins the pieces of an element with nothing between
them, so a headline set on two lines ("Top MBA Programs of 2025<br>Your
Guide ...", "WEEKEND<br>CODING") comes out with two words glued together.
A ``<br>`` or a block element inside a heading is a line break the reader
sees as a word boundary; it becomes a space here. Inline elements (``<span>``,
``<em>``) join as they are: "Kohberger<em>'s</em>" is one word.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

# Elements that start a new line inside a heading, by HTML's own rendering.
_BREAKS = frozenset({"br", "div", "p", "li", "ul", "ol", "section", "header", "hr"})
# A boundary marker, resolved once the text is joined.
_MARK = "\x00"
# A line break right before punctuation is no word boundary: a kicker in its
# own block followed by a (visually hidden) ": " reads "Kicker: Headline".
_MARK_BEFORE_PUNCTUATION = re.compile(_MARK + r"+(?=\s*[:;,.!?…])")


def heading_text(node: HtmlElement) -> str:
    """The element's text, with a space at every line break or block boundary inside it."""
    parts: list[str] = []
    _collect(node, parts)
    text = _MARK_BEFORE_PUNCTUATION.sub("", "".join(parts))
    return text.replace(_MARK, " ")


def _collect(node: HtmlElement, parts: list[str]) -> None:
    if node.text:
        parts.append(node.text)
    for child in node:
        if not isinstance(child.tag, str):  # comments and processing instructions
            if child.tail:
                parts.append(child.tail)
            continue
        boundary = child.tag in _BREAKS
        if boundary:
            parts.append(_MARK)
        _collect(child, parts)
        if boundary:
            parts.append(_MARK)
        if child.tail:
            parts.append(child.tail)
