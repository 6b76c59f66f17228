"""Image captions and their credits, read from the page before trafilatura.

trafilatura removes ``<figure>`` and every element classed "caption" before
it extracts, so captions are collected here from the untouched DOM:
``<figcaption>``, caption-classed elements next to an image, and the
JSON-LD ``ImageObject.caption``. A credit is split off when the markup
marks it (``<span class="credit">``, ``<small>``, ``<cite>``) or when the
caption ends with a conventional credit ("– Reuters", "Photo: AP", "© dpa").
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from lxml.html import HtmlElement

from newsarchive.crawler.extract.article import Caption
from newsarchive.crawler.extract.body.regions import in_furniture
from newsarchive.crawler.extract.page.meta import absolute

_CREDIT_CLASS = re.compile(
    r"credit|copyright|source|photographer|byline|attribution|author|urheber|quelle", re.I
)
_CAPTION_CLASS = re.compile(
    r"(?:^|[\s_-])(?:wp-)?(?:caption|legende|bildunterschrift|bildtext|image-text)", re.I
)
_NOT_CAPTION_CLASS = re.compile(r"video|player|toggle|button|slideshow-count|counter", re.I)
_CREDIT_WORDS = (
    r"photo(?:graph)?s?|pictures?|images?|foto(?:s|grafie)?|bild(?:er)?|credit|credits|quelle|source|"
    r"copyright|illustration|grafik|graphic|video|fotó|kép|zdjęcie|fot\.|crédit|crédito|créditos|"
    r"фото|снимок|изображение|사진|写真|图|圖|© ?"
)
# "…caption. Photo: Jane Doe/AP", "…caption (Foto: dpa)", "…caption © Reuters"
_TRAILING_LABELLED = re.compile(
    rf"[\s,;|/]*[(\[]?\s*(?:(?:{_CREDIT_WORDS})\s*[:/]\s*|©\s*|\(c\)\s*)([^()\[\]]{{2,80}}?)\s*[)\]]?\s*$",
    re.I,
)
# "…caption – Reuters", "…caption - AP Photo" (a short capitalised tail after a dash)
_TRAILING_DASHED = re.compile(r"\s+[–—-]\s+((?:[A-Z©][\w.&'’/-]*\s?){1,4})$")
# "Photo: X" / "Foto: X" alone: only a credit, not a caption.
_ONLY_CREDIT = re.compile(rf"^\s*(?:{_CREDIT_WORDS})\s*[:/]?\s*\S.*$", re.I)


_BLOCKS = frozenset({"p", "div", "br", "li", "small", "cite", "figcaption", "section", "h2", "h3", "h4"})


# Labels that sit in caption slots of ad, sponsor and share widgets: never a caption.
_LABEL = re.compile(
    r"^\s*(?:(?:powered|sponsored|presented|brought to you) by\b.{0,60}|advertisement|anzeige|werbung|"
    r"publicité|publicidad|pubblicità|ad|ads|share(?: this)?|teilen|partager|compartir)\s*[.:]?\s*$",
    re.I,
)


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def block_text(node: HtmlElement) -> str:
    """Text of ``node`` with a space between block elements (text_content() glues "caption</p><p>Photo")."""
    parts: list[str] = []

    def walk(el: HtmlElement) -> None:
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "button", "svg"):
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
    return _clean("".join(parts))


def split_credit(text: str) -> tuple[str, str | None]:
    """("From the meeting – Reuters") -> ("From the meeting", "Reuters")."""
    text = _clean(text)
    match = _TRAILING_LABELLED.search(text)
    if match and match.start() > 0:
        return text[: match.start()].strip(" -–—|/,;"), match.group(1).strip() or None
    match = _TRAILING_DASHED.search(text)
    if match and len(text[: match.start()].split()) >= 3:
        return text[: match.start()].strip(), match.group(1).strip()
    return text, None


def _image_of(node: HtmlElement) -> HtmlElement | None:
    for img in node.iterfind(".//img"):
        return img
    return None


def _nearby_image(node: HtmlElement) -> HtmlElement | None:
    parent = node
    for _ in range(3):
        parent = parent.getparent()
        if parent is None:
            return None
        img = next(parent.iter("img", "picture", "video"), None)
        if img is not None:
            return next(parent.iter("img"), img)
    return None


def _img_src(img: HtmlElement | None, base: str | None) -> tuple[str | None, str | None]:
    if img is None:
        return None, None
    src = img.get("src")
    if not src or src.startswith("data:"):
        # Lazy loaders keep the real URL in a data-*src* attribute of their own naming.
        lazy = [v for k, v in img.attrib.items() if k.startswith("data-") and "src" in k and "set" not in k]
        src = next((v for v in lazy if v and not v.startswith("data:")), None)
    if not src:
        srcset = img.get("srcset") or img.get("data-srcset") or ""
        src = srcset.split(",")[0].split()[0] if srcset.strip() else None
    alt = _clean(img.get("alt")) or None
    return absolute(src, base), alt


def _caption_from(node: HtmlElement) -> tuple[str, str | None]:
    """Caption text and credit of one caption element; marked-up credit first."""
    credit_nodes = [
        el
        for el in node.iter()
        if el is not node
        and isinstance(el.tag, str)
        and (
            _CREDIT_CLASS.search(el.get("class") or "")
            or _CREDIT_CLASS.search(el.get("itemprop") or "")
            or el.tag in ("cite", "small")
        )
    ]
    credit = None
    if credit_nodes:
        credit = _clean(" ".join(block_text(el) for el in credit_nodes)) or None
        parts = []
        skip = {id(el) for el in credit_nodes}
        for el in node.iter():
            inside_credit = any(id(a) in skip for a in [el, *el.iterancestors()])
            if el.text and not inside_credit and isinstance(el.tag, str):
                parts.append(el.text)
            if el is not node and el.tail and not any(id(a) in skip for a in el.iterancestors()):
                parts.append(el.tail)
        text = _clean(" ".join(parts))
    else:
        text = block_text(node)
    if credit:
        credit = re.sub(rf"^(?:{_CREDIT_WORDS})\s*[:/]?\s*", "", credit, flags=re.I).strip(" ()[]") or None
        return text.strip(" |/-–—"), credit
    return split_credit(text)


def dom_captions(tree: HtmlElement, base: str | None) -> list[Caption]:
    captions: list[Caption] = []
    for fig in tree.iterfind(".//figure"):
        cap_node = next(fig.iterfind(".//figcaption"), None)
        if cap_node is None:
            cap_node = next(
                (n for n in fig.iter() if n is not fig and _CAPTION_CLASS.search(n.get("class") or "")), None
            )
        if cap_node is None:
            continue
        if in_furniture(fig):
            continue
        text, credit = _caption_from(cap_node)
        if text:
            src, alt = _img_src(_image_of(fig), base)
            captions.append(Caption(caption=text, credit=credit, src=src, alt=alt))
    # Caption-classed elements outside figures (WordPress .wp-caption-text, CMS image-caption divs).
    for node in tree.iter("p", "div", "span", "figcaption"):
        cls = node.get("class") or ""
        if not cls or not _CAPTION_CLASS.search(cls) or _NOT_CAPTION_CLASS.search(cls):
            continue
        if any(a.tag in ("figure", "figcaption") for a in node.iterancestors()):
            continue
        if any(_CAPTION_CLASS.search(a.get("class") or "") for a in node.iterancestors()):
            continue  # the outer caption element is collected instead
        if in_furniture(node):
            continue
        # A caption outside <figure> must sit next to an image, or it is
        # some other widget that borrowed the word (video players, forms).
        img = _nearby_image(node)
        if img is None:
            continue
        text, credit = _caption_from(node)
        if not text or len(text) < 3:
            continue
        src, alt = _img_src(img, base)
        captions.append(Caption(caption=text, credit=credit, src=src, alt=alt))
    return captions


def jsonld_captions(
    article: dict[str, Any] | None, base: str | None, refs: dict[str, dict[str, Any]] | None = None
) -> list[Caption]:
    """Captions of the article's JSON-LD images (references like {"@id": "#primaryimage"} resolved)."""
    if not article:
        return []
    images = article.get("image")
    out = []
    for image in images if isinstance(images, list) else [images]:
        if isinstance(image, dict) and refs and "@id" in image and len(image) <= 2:
            image = refs.get(str(image["@id"]), image)
        if not isinstance(image, dict):
            continue
        caption = image.get("caption") or image.get("description")
        if isinstance(caption, str) and _clean(caption):
            text, credit = split_credit(caption)
            holder = image.get("creditText") or image.get("copyrightHolder")
            if isinstance(holder, dict):
                holder = holder.get("name")
            credit = credit or (holder if isinstance(holder, str) else None)
            out.append(Caption(caption=text, credit=credit, src=absolute(image.get("url"), base)))
    return out


def merge_captions(captions: list[Caption]) -> list[Caption]:
    """Drop empty, credit-only, label-only ("Powered by X") and duplicate captions (first one wins)."""
    seen: list[str] = []
    out = []
    for cap in captions:
        key = _clean(cap.caption).casefold()
        if not key or (_ONLY_CREDIT.match(cap.caption) and len(key.split()) <= 5):
            continue
        if _LABEL.match(cap.caption):
            continue
        if any(key == s or (len(key) > 20 and (key in s or s in key)) for s in seen):
            continue
        seen.append(key)
        out.append(cap)
    return out
