"""The image a caption belongs to: its real source (lazy loaders too) and its alt text."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from newsarchive.crawler.extract.captions.text import clean
from newsarchive.crawler.extract.page.meta import absolute

IMAGE_TAGS = ("img", "picture", "amp-img", "video")
# Width or height attributes this small: an icon, an avatar, a tracking pixel.
_SMALL_PX = 100
# An alt that names the file or says nothing ("IMG_4400.JPEG", "image", "photo 3").
_FILE_NAME = re.compile(r"^[\w\s.,()-]*\.(?:jpe?g|png|gif|webp|avif|svg|tiff?)$|^[\w-]*\d[\w-]*$", re.I)
_GENERIC = re.compile(
    r"^(?:an? )?(?:image|img|photo|picture|pic|foto|bild|imagen|immagine|thumbnail|thumb|logo|icon|avatar|"
    r"placeholder|header|banner|featured image|teaser|null|undefined|none)(?:\s*\d+)?$",
    re.I,
)


def first_image(node: HtmlElement) -> HtmlElement | None:
    """The first image (an ``<img>`` before a bare ``<picture>`` or ``<video>``) in ``node``."""
    found = None
    for el in node.iter(*IMAGE_TAGS):
        if el.tag in ("img", "amp-img"):
            return el
        found = found if found is not None else el
    return found


def nearby_image(node: HtmlElement, levels: int = 3) -> HtmlElement | None:
    """The image in the smallest of ``node``'s ancestors (up to ``levels`` up) that holds one."""
    parent = node
    for _ in range(levels):
        parent = parent.getparent()
        if parent is None:
            return None
        img = first_image(parent)
        if img is not None:
            return img
    return None


def _px(value: str | None) -> int | None:
    match = re.match(r"\s*(\d+)", value or "")
    return int(match.group(1)) if match else None


def is_small(img: HtmlElement) -> bool:
    """An icon, avatar or pixel by its declared size (no size declared: not small)."""
    sizes = [s for s in (_px(img.get("width")), _px(img.get("height"))) if s is not None]
    return bool(sizes) and min(sizes) < _SMALL_PX


def source(img: HtmlElement | None, base: str | None) -> str | None:
    """The image URL: ``src``, else a lazy loader's data-*src*, else the first srcset entry."""
    if img is None:
        return None
    if img.tag == "picture":
        inner = next(img.iter("img"), None)
        candidates = [inner] if inner is not None else []
        candidates += list(img.iter("source"))
    else:
        candidates = [img]
    for el in candidates:
        src = el.get("src")
        if not src or src.startswith("data:"):
            # Lazy loaders keep the real URL in a data-*src* attribute of their own naming.
            lazy = [
                v for k, v in el.attrib.items() if k.startswith("data-") and "src" in k and "set" not in k
            ]
            src = next((v for v in lazy if v and not v.startswith("data:")), None)
        if not src:
            # srcset, or a lazy loader's data-*srcset* ("data-srcset", "data-lazy-srcset").
            lazy_sets = [v for k, v in el.attrib.items() if k.startswith("data-") and "srcset" in k]
            srcset = el.get("srcset") or next((v for v in lazy_sets if v), "")
            first = srcset.split(",")[0].split()
            src = first[0] if first and not first[0].startswith("data:") else None
        if src:
            return absolute(src, base)
    return None


def alt_text(img: HtmlElement | None) -> str | None:
    if img is None:
        return None
    if img.tag == "picture":
        img = next(img.iter("img"), img)
    return clean(img.get("alt")) or None


def is_descriptive(text: str | None) -> bool:
    """An alt or title that describes the picture, not a file name or a word like "image"."""
    text = clean(text)
    return bool(text) and not _FILE_NAME.match(text) and not _GENERIC.match(text)
