"""Captions the markup declares: figcaption, caption-classed elements, data-caption, microdata.

trafilatura removes ``<figure>`` and every element classed "caption" before
it extracts, so captions are read here from the untouched DOM.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from lxml.html import HtmlElement

from newsarchive.crawler.extract.article import Caption
from newsarchive.crawler.extract.captions.credit import caption_and_credit, split_credit, strip_credit_label
from newsarchive.crawler.extract.captions.images import (
    IMAGE_TAGS,
    alt_text,
    first_image,
    nearby_image,
    source,
)
from newsarchive.crawler.extract.captions.labels import is_person_card
from newsarchive.crawler.extract.captions.region import in_furniture
from newsarchive.crawler.extract.captions.scan import CAPTION_CLASS, DATA_CAPTION_ATTRS
from newsarchive.crawler.extract.captions.text import clean

_NOT_CAPTION_CLASS = re.compile(r"video|player|toggle|button|count|counter|icon|btn", re.I)
# Tags a caption-classed element may not be: links and controls borrow the word.
_NOT_CAPTION_TAGS = frozenset(
    {"a", "button", "img", "picture", "source", "input", "label", "script", "style"}
)
_CREDIT_ATTRS = ("data-credit", "data-copyright", "data-photographer", "data-source", "data-image-credit")


def _caption(node: HtmlElement, img: HtmlElement | None, base: str | None) -> Caption | None:
    if is_person_card(node):
        return None
    text, credit = caption_and_credit(node)
    if not text:
        return None
    return Caption(caption=text, credit=credit, src=source(img, base), alt=alt_text(img))


def figure_captions(tree: HtmlElement, base: str | None) -> Iterator[Caption]:
    """``<figure>`` with a ``<figcaption>`` (or a caption-classed child)."""
    for fig in tree.iter("figure"):
        cap_node = next(fig.iter("figcaption"), None)
        if cap_node is None:
            cap_node = next(
                (n for n in fig.iter() if n is not fig and CAPTION_CLASS.search(n.get("class") or "")), None
            )
        if cap_node is None or in_furniture(fig):
            continue
        found = _caption(cap_node, first_image(fig), base)
        if found:
            yield found


def classed_captions(nodes: list[HtmlElement], base: str | None) -> Iterator[Caption]:
    """Caption-classed elements and lone ``<figcaption>``s next to an image, outside ``<figure>``.

    WordPress's ``.wp-caption-text``, CMS image-caption divs, a figcaption a
    CMS put straight after a ``<picture>``.
    """
    for node in nodes:
        if node.tag in _NOT_CAPTION_TAGS:
            continue
        cls = node.get("class") or ""
        if _NOT_CAPTION_CLASS.search(cls):
            continue
        if any(a.tag in ("figure", "figcaption") for a in node.iterancestors()):
            continue
        if any(CAPTION_CLASS.search(a.get("class") or "") for a in node.iterancestors()):
            continue  # the outer caption element is collected instead
        # A caption outside <figure> must sit next to an image, or it is
        # some other widget that borrowed the word (video players, forms).
        img = nearby_image(node)
        if img is None or in_furniture(node):
            continue
        found = _caption(node, img, base)
        if found and len(found.caption) >= 3:
            yield found


def _attribute_text(value: str) -> str:
    """A data-caption value may carry markup ("<em>Fans</em> at the match")."""
    if "<" not in value:
        return clean(value)
    try:
        return clean(lxml.html.fromstring(f"<div>{value}</div>").text_content())
    except Exception:  # noqa: BLE001 - malformed markup in an attribute is just text
        return clean(re.sub(r"<[^>]*>", " ", value))


def data_captions(nodes: list[HtmlElement], base: str | None) -> Iterator[Caption]:
    """``data-caption`` on an image or its wrapper (lightboxes, galleries, lazy loaders)."""
    for node in nodes:
        value = next((node.get(a) for a in DATA_CAPTION_ATTRS if node.get(a)), None)
        if not value or in_furniture(node):
            continue
        text = _attribute_text(value)
        credit = next(
            (strip_credit_label(_attribute_text(node.get(a) or "")) for a in _CREDIT_ATTRS if node.get(a)),
            None,
        )
        if not credit:
            text, credit = split_credit(text)
        img = node if node.tag in IMAGE_TAGS else first_image(node)
        if text:
            yield Caption(caption=text, credit=credit or None, src=source(img, base), alt=alt_text(img))


def microdata_captions(nodes: list[HtmlElement], base: str | None) -> Iterator[Caption]:
    """schema.org microdata: ``itemprop="caption"`` of an ImageObject, its credit beside it."""
    for node in nodes:
        if node.tag in ("figcaption",) or any(a.tag == "figure" for a in node.iterancestors()):
            continue  # a figure's caption is read with the figure
        if in_furniture(node):
            continue
        scope = next((a for a in node.iterancestors() if a.get("itemscope") is not None), None)
        text = clean(node.get("content")) or caption_and_credit(node)[0]
        credit = None
        if scope is not None:
            for el in scope.iter():
                prop = (el.get("itemprop") or "").split()
                if {"creditText", "copyrightHolder", "author", "creator"} & set(prop):
                    credit = strip_credit_label(clean(el.get("content")) or clean(el.text_content())) or None
                    break
        if not credit:
            text, credit = split_credit(text)
        img = first_image(scope) if scope is not None else nearby_image(node)
        if text:
            yield Caption(caption=text, credit=credit, src=source(img, base), alt=alt_text(img))
