"""Captions that only the page's structure marks: an image and a short text in one small box.

Many CMSs print a caption without ``<figure>`` or a caption class: a
``<div>`` holding the picture and a line of text, a gallery ``<li>`` with
the image and its description, a text that repeats the image's alt. The
signals are structural and hold across publishers:

- the smallest ancestor of a content image (not an icon or avatar) that
  has visible text, at most four levels up, holds that one image only;
- its text is short (a caption, not a paragraph run: 3 to 60 words), and
  hardly any of it is link text (a teaser card is a link);
- the box is not the image inside a paragraph of running text (``<p>``
  holding the image), not a list or table, not an author card, not
  furniture, holds no form control (sign-up and follow widgets) and the
  text is not a link; a gallery's ``<li>`` (one image, one line) is a box.

- and the text carries a photo credit ("Image: X", "Foto: X", "© X", a
  credit element): without one, an image beside a short text is as often
  an app promotion, a newsletter box or a teaser as a captioned photo.

A text that repeats the image's alt or title is a caption even without a
credit and in a larger box: the publisher wrote the description twice
(a heading that repeats it is a section title, not a caption).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from newsarchive.crawler.extract.article import Caption
from newsarchive.crawler.extract.captions.credit import caption_and_credit
from newsarchive.crawler.extract.captions.images import alt_text, is_descriptive, is_small, source
from newsarchive.crawler.extract.captions.labels import is_person_card
from newsarchive.crawler.extract.captions.region import in_furniture
from newsarchive.crawler.extract.captions.text import block_text, clean, link_text_share

_LEVELS = 4
_MIN_WORDS, _MAX_WORDS = 3, 60
_MAX_LINK_SHARE = 0.2
# A box with more raw text than this (scripts and whitespace included) is not a caption's.
_MAX_BOX_CHARS = 3000
# Boxes that are the article (or a paragraph of it), never a caption's box.
_NOT_BOXES = frozenset({"body", "article", "main", "p", "a", "ul", "ol", "table", "tr", "td"})
_NOT_BOX_INSIDE = frozenset({"a", "button", "nav", "header", "footer", "aside", "form", "label"})
# Controls: a box with one is a sign-up, consent or follow widget, whatever its image says.
_CONTROLS = ("input", "button", "select", "textarea", "form", "iframe")
_NOT_REPEATS = frozenset({"a", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6"})
# Text blocks a caption box may have: the caption and a credit line.
_MAX_TEXT_BLOCKS = 3


def _box(img: HtmlElement) -> HtmlElement | None:
    """The smallest ancestor of ``img`` with visible text, if it is near enough.

    text_content() (C-level) decides first; the exact visible text is only
    computed for a box small enough to be a caption's.
    """
    node = img
    for _ in range(_LEVELS):
        node = node.getparent()
        if node is None:
            return None
        raw = node.text_content()
        if raw.strip():
            return node if len(raw) <= _MAX_BOX_CHARS and block_text(node) else None
    return None


def _text_blocks(box: HtmlElement, img: HtmlElement) -> list[HtmlElement]:
    """The box's children that hold text, apart from the image's own branch."""
    branch = next((c for c in box if c is img or img in c.iterdescendants()), None)
    return [c for c in box if isinstance(c.tag, str) and c is not branch and block_text(c)]


def _one_image(box: HtmlElement) -> bool:
    count = 0
    for el in box.iter("img", "amp-img"):
        if el.getparent() is not None and el.getparent().tag == "noscript":
            continue  # a lazy loader's fallback copy of the same image
        count += 1
        if count > 1:
            return False
    return True


def _repeats_alt(box: HtmlElement, img: HtmlElement) -> HtmlElement | None:
    """A short text element in the box whose text is the image's alt or title."""
    wanted = {clean(img.get(a)).casefold() for a in ("alt", "title")} - {""}
    wanted = {w for w in wanted if is_descriptive(w) and len(w.split()) >= _MIN_WORDS}
    if not wanted:
        return None
    for el in box.iter():
        # A heading that repeats the alt is a section's title with its
        # illustration (a list of products, plants, features), not a caption.
        if not isinstance(el.tag, str) or el is img or el.tag in _NOT_REPEATS:
            continue
        text = block_text(el).casefold()
        if text and any(text == w or (text.startswith(w) and len(text) < len(w) + 80) for w in wanted):
            return el
    return None


def _in_link(node: HtmlElement, box: HtmlElement) -> bool:
    """Whether ``node`` is (inside) a link below ``box``: a teaser's headline, not a caption."""
    for el in [node, *node.iterancestors()]:
        if el.tag == "a" and el.get("href"):
            return True
        if el is box:
            return False
    return False


def structural_captions(tree: HtmlElement, base: str | None) -> Iterator[Caption]:
    """Captions of images in small boxes (the ones the markup also declares come out twice: merged later)."""
    for img in tree.iter("img", "amp-img"):
        if is_small(img):
            continue
        if any(a.tag in _NOT_BOX_INSIDE or a.tag == "figure" for a in img.iterancestors()):
            continue  # teaser links, page chrome; figures are read by their markup
        box = _box(img)
        if box is None or box.tag in _NOT_BOXES:
            continue
        node: HtmlElement | None = _repeats_alt(box, img)
        needs_credit = node is None
        if node is None:
            if not _one_image(box) or len(_text_blocks(box, img)) > _MAX_TEXT_BLOCKS:
                continue
            node = box
        text = block_text(node)
        words = len(text.split())
        if not _MIN_WORDS <= words <= _MAX_WORDS or link_text_share(node, text) > _MAX_LINK_SHARE:
            continue
        if is_person_card(node) or _in_link(node, box) or next(box.iter(*_CONTROLS), None) is not None:
            continue
        if in_furniture(box):
            continue
        caption, credit = caption_and_credit(node)
        if needs_credit and not credit:
            continue
        if caption:
            yield Caption(caption=caption, credit=credit, src=source(img, base), alt=alt_text(img))
