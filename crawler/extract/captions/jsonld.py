"""schema.org ``ImageObject.caption`` in the article's JSON-LD, with its ``creditText``."""

from __future__ import annotations

from typing import Any

from newsarchive.crawler.extract.article import Caption
from newsarchive.crawler.extract.captions.credit import split_credit
from newsarchive.crawler.extract.captions.text import clean
from newsarchive.crawler.extract.page.meta import absolute

# Where an article keeps its pictures.
_IMAGE_KEYS = ("image", "associatedMedia", "primaryImageOfPage")


def _credit(image: dict[str, Any]) -> str | None:
    for key in ("creditText", "copyrightHolder", "author", "creator"):
        value = image.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str) and clean(value):
            return clean(value)
    return None


def jsonld_captions(
    article: dict[str, Any] | None, base: str | None, refs: dict[str, dict[str, Any]] | None = None
) -> list[Caption]:
    """Captions of the article's JSON-LD images (references like {"@id": "#primaryimage"} resolved)."""
    if not article:
        return []
    out = []
    for key in _IMAGE_KEYS:
        images = article.get(key)
        for image in images if isinstance(images, list) else [images]:
            if isinstance(image, dict) and refs and "@id" in image and len(image) <= 2:
                image = refs.get(str(image["@id"]), image)
            if not isinstance(image, dict):
                continue
            caption = image.get("caption") or image.get("description")
            if isinstance(caption, dict):  # a caption given as a MediaObject/TextObject
                caption = caption.get("text") or caption.get("name")
            if not isinstance(caption, str) or not clean(caption):
                continue
            text, credit = split_credit(clean(caption))
            url = image.get("url") or image.get("contentUrl")
            out.append(
                Caption(
                    caption=text,
                    credit=credit or _credit(image),
                    src=absolute(url if isinstance(url, str) else None, base),
                )
            )
    return out
