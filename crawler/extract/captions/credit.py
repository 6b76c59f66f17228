"""The credit of a caption ("Photo: Jane Doe/AP"), kept apart from its text.

A credit is split off when the markup marks it (an element classed or
itemprop'd credit/copyright/source/author, ``<small>``, ``<cite>``) or when
the caption ends with one written by convention ("– Reuters", "Photo: AP",
"(Foto: dpa)", "© dpa", "| Jane Doe/Getty Images").
"""

from __future__ import annotations

import re
from copy import deepcopy

from lxml.html import HtmlElement

from newsarchive.crawler.extract.captions.text import block_text, clean

_CREDIT_CLASS = re.compile(
    r"credit|copyright|source|photographer|byline|attribution|author|urheber|quelle|rights", re.I
)
CREDIT_WORDS = (
    r"photo(?:graph)?s?|pictures?|images?|foto(?:s|grafie)?|bild(?:er)?|credit|credits|quelle|source|"
    r"copyright|illustration|grafik|graphic|video|fotó|kép|zdjęcie|fot\.|crédit|crédito|créditos|"
    r"фото|снимок|изображение|사진|写真|图|圖|© ?"
)
# "…caption. Photo: Jane Doe/AP", "…caption (Foto: dpa)", "…caption © Reuters"
_TRAILING_LABELLED = re.compile(
    rf"[\s,;|/]*[(\[]?\s*(?:(?:{CREDIT_WORDS})\s*[:/]\s*|©\s*|\(c\)\s*)([^()\[\]]{{2,80}}?)\s*[)\]]?\s*$",
    re.I,
)
# "…caption – Reuters", "…caption - AP Photo" (a short capitalised tail after a dash)
_TRAILING_DASHED = re.compile(r"\s+[–—-]\s+((?:[A-Z©][\w.&'’/-]*\s?){1,4})$")
# "…caption. | Jane Doe/PA Images via Getty Images": a pipe before a short tail
# that names someone (capitalised), after a caption that ends a sentence or phrase.
_TRAILING_PIPED = re.compile(r"\s+\|\s+([A-Z©][^|]{1,70})$")
_LEADING_WORDS = re.compile(rf"^(?:{CREDIT_WORDS})\s*[:/]?\s*", re.I)


def split_credit(text: str) -> tuple[str, str | None]:
    """("From the meeting – Reuters") -> ("From the meeting", "Reuters")."""
    text = clean(text)
    match = _TRAILING_LABELLED.search(text)
    if match and match.start() > 0:
        return text[: match.start()].strip(" -–—|/,;"), match.group(1).strip() or None
    match = _TRAILING_PIPED.search(text)
    if match and len(match.group(1).split()) <= 8 and len(text[: match.start()].split()) >= 3:
        return text[: match.start()].strip(), match.group(1).strip()
    match = _TRAILING_DASHED.search(text)
    if match and len(text[: match.start()].split()) >= 3:
        return text[: match.start()].strip(), match.group(1).strip()
    return text, None


def strip_credit_label(credit: str) -> str:
    """ "Photo: Jane Doe" -> "Jane Doe": the label is the slot's, the credit is the name."""
    return _LEADING_WORDS.sub("", clean(credit)).strip(" ()[]")


def _is_credit_node(el: HtmlElement) -> bool:
    return bool(
        _CREDIT_CLASS.search(el.get("class") or "")
        or _CREDIT_CLASS.search(el.get("itemprop") or "")
        or el.tag in ("cite", "small")
    )


def _is_link_list(el: HtmlElement) -> bool:
    """A share bar or a row of links: two links or more and no text outside them."""
    links = [a for a in el.iter("a") if a.get("href")]
    if len(links) < 2:
        return False
    rest = block_text(el)
    for a in links:
        rest = rest.replace(block_text(a), " ", 1)
    return not rest.strip(" |·•,;-–")


def without_link_lists(node: HtmlElement) -> HtmlElement:
    """``node``, or a copy of it without the share bars and link rows a CMS put in the caption slot."""
    if len(node.findall(".//a")) < 2:
        return node
    lists = [
        el for el in node.iterdescendants() if isinstance(el.tag, str) and el.tag != "a" and _is_link_list(el)
    ]
    if not lists:
        return node
    marks = {id(el) for el in lists}
    copy = deepcopy(node)
    originals = [el for el in node.iter() if isinstance(el.tag, str)]
    copies = [el for el in copy.iter() if isinstance(el.tag, str)]
    for original, twin in zip(originals, copies, strict=True):
        if id(original) in marks and twin.getparent() is not None:
            twin.drop_tree()
    return copy


def caption_and_credit(node: HtmlElement) -> tuple[str, str | None]:
    """Caption text and credit of one caption element; a credit in the markup first."""
    node = without_link_lists(node)
    credit_nodes = [
        el for el in node.iter() if el is not node and isinstance(el.tag, str) and _is_credit_node(el)
    ]
    # A caption made only of <small>s (some CMSs print the whole caption small)
    # keeps the first as its text: the credit is then the rest, if any.
    text_nodes = [
        el for el in credit_nodes if el.tag == "small" and not _CREDIT_CLASS.search(el.get("class") or "")
    ]
    if credit_nodes and len(text_nodes) == len(credit_nodes) and not _loose_text(node, credit_nodes):
        credit_nodes = credit_nodes[1:]
    if not credit_nodes:
        return split_credit(block_text(node))
    skip = {id(el) for el in credit_nodes}
    credit = clean(" ".join(block_text(el) for el in credit_nodes)) or None
    parts: list[str] = []
    for el in node.iter():
        if not isinstance(el.tag, str):
            continue
        inside_credit = any(id(a) in skip for a in [el, *el.iterancestors()])
        if el.text and not inside_credit and el.tag not in ("script", "style"):
            parts.append(el.text)
        if el is not node and el.tail and not any(id(a) in skip for a in el.iterancestors()):
            parts.append(el.tail)
    text = clean(" ".join(parts))
    if credit:
        credit = strip_credit_label(credit) or None
        return text.strip(" |/-–—"), credit
    return split_credit(text)


def _loose_text(node: HtmlElement, inside: list[HtmlElement]) -> bool:
    """Whether ``node`` has text outside the ``inside`` elements."""
    rest = block_text(node)
    for el in inside:
        rest = rest.replace(block_text(el), " ", 1)
    return bool(rest.strip(" |/-–—,;:"))
