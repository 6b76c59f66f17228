"""Plain text of caption markup: whitespace normalised, blocks kept apart."""

from __future__ import annotations

import unicodedata

from lxml.html import HtmlElement

# Elements whose boundaries are word boundaries: text_content() glues
# "caption</p><p>Photo" into "captionPhoto".
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "small", "cite", "figcaption", "section", "h1", "h2", "h3", "h4", "h5", "h6"}
)
# Never visible text.
_SKIPPED = frozenset({"script", "style", "noscript", "button", "svg", "template"})


def clean(text: str | None) -> str:
    """NFC, whitespace runs collapsed to one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def block_text(node: HtmlElement) -> str:
    """Visible text of ``node`` with a space between block elements."""
    parts: list[str] = []

    def walk(el: HtmlElement) -> None:
        if not isinstance(el.tag, str) or el.tag in _SKIPPED:
            if el is not node and el.tail:
                parts.append(el.tail)
            return
        if el.tag in _BLOCKS:
            parts.append(" ")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if el.tag in _BLOCKS:
            parts.append(" ")
        if el is not node and el.tail:
            parts.append(el.tail)

    walk(node)
    return clean("".join(parts))


def link_text_share(node: HtmlElement, text: str) -> float:
    """How much of ``text`` (the node's visible text) sits inside links: teasers are links."""
    if not text:
        return 0.0
    linked = sum(len(clean(a.text_content())) for a in node.iter("a") if a.get("href"))
    return min(1.0, linked / len(text))
