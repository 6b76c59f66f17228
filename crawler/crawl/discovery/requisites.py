"""A page's requisites: the images and stylesheets its replay needs (pure: HTML or CSS in, URLs out).

Only what makes the page look as it did: images (src, srcset, poster, input
images), stylesheets and icons from `<link>`, and what CSS loads (`url()`,
`@import`) in `<style>`, in style attributes and in fetched stylesheets.
Never scripts, frames or media streams: replay runs no script and shows no
frame, so fetching them would cost the site requests for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urldefrag, urljoin

import lxml.html
from lxml import etree

# Enough for a news page's pictures and styles; a page naming thousands of
# images (a gallery, a spam page) is cut here rather than fetched whole.
DEFAULT_LIMIT = 60

_CSS_REFERENCE = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)
_LINK_RELS = {"stylesheet", "icon"}


def _absolute(reference: str | None, base: str) -> str | None:
    text = (reference or "").strip()
    if not text or text.startswith("#"):
        return None
    url = urldefrag(urljoin(base, text)).url
    return url if url.lower().startswith(("http://", "https://")) else None


def stylesheet_requisites(css: str, base_url: str) -> list[str]:
    """What a stylesheet loads (images, fonts, imported stylesheets), in order, once each."""
    found: dict[str, None] = {}
    for match in _CSS_REFERENCE.finditer(css):
        url = _absolute(next(g for g in match.groups() if g is not None), base_url)
        if url:
            found[url] = None
    return list(found)


def page_requisites(html: str | bytes, base_url: str, limit: int = DEFAULT_LIMIT) -> list[str]:
    """The images and stylesheets a page names, in document order, once each, at most `limit`."""
    if not html or not html.strip():
        return []
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = next((u for u in (_absolute(e.get("href"), base_url) for e in root.iter("base")) if u), base_url)
    found: dict[str, None] = {}
    for url in _references(root, base):
        found[url] = None
        if len(found) >= limit:
            break
    return list(found)


def _references(root: etree._Element, base: str) -> Iterator[str]:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "link":
            rels = set((element.get("rel") or "").lower().split())
            if rels & _LINK_RELS and "preload" not in rels:
                url = _absolute(element.get("href"), base)
                if url:
                    yield url
        elif tag in ("img", "source", "input", "video"):
            if tag == "input" and (element.get("type") or "").lower() != "image":
                continue
            for name in ("src", "poster") if tag != "source" else ():
                url = _absolute(element.get(name), base)
                if url and not (tag == "video" and name == "src"):
                    yield url
            for candidate in (element.get("srcset") or "").split(","):
                parts = candidate.split()
                url = _absolute(parts[0], base) if parts else None
                if url:
                    yield url
        elif tag == "style":
            yield from stylesheet_requisites(element.text or "", base)
        style = element.get("style")
        if style:
            yield from stylesheet_requisites(style, base)
