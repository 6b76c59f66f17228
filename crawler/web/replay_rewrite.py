"""An archived HTML page made inert: every URL points into the archive or is gone.

What can run code or fetch on its own is removed (scripts, frames, objects,
event handlers, `javascript:` URLs, meta refresh and every other http-equiv,
`<base>`, preloads); what can load a resource (src, srcset, poster,
background, stylesheets, SVG hrefs, CSS `url()`) is pointed at the archive's
copy when the archive holds one and dropped when it does not; links to pages
the archive holds open their replay, other links lose their href. This is
the first of two locks: the replay document is also served in a sandboxed
frame under a Content-Security-Policy that allows no script and no request
outside the archive's replay paths (newsarchive.crawler.web.replay_headers),
so whatever this pass misses still cannot run or leave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urldefrag

import lxml.html
from lxml import etree

from newsarchive.crawler.extract.page.encoding import decode_html
from newsarchive.crawler.web.replay_css import ToArchive, absolute, css_urls, rewrite_css
from newsarchive.crawler.web.replay_paths import IMAGE, PAGE, STYLESHEET

# Elements that run code or only tell the browser something: removed with their content.
_REMOVED = {"script", "param", "base"}
# Elements that embed another document: removed, their content kept. It is
# fallback content (shown when the embed is not), and lxml's HTML 4 parser
# does not know `<embed>` is empty, so it nests the rest of the page inside.
_UNWRAPPED = {"iframe", "frame", "frameset", "object", "embed", "applet", "portal"}
# Attributes that load, submit, ping or describe elsewhere: nothing the page needs to be read.
_DROPPED = {
    "action",
    "formaction",
    "ping",
    "manifest",
    "codebase",
    "archive",
    "classid",
    "profile",
    "data",
    "cite",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "srcdoc",
    "integrity",
    "nonce",
    "imagesrcset",
    "imagesizes",
    "attributionsrc",
    "target",  # links to the archive get their own
}
# Attributes holding one URL the browser loads as an image, media or SVG resource.
_RESOURCE = {"src", "poster", "background", "xlink:href"}
_LINK_TAGS = {"a", "area"}
_KEPT_LINK_RELS = {"stylesheet": STYLESHEET, "icon": IMAGE}

# What a URL is loaded as: a page (a link), an image-like resource or a stylesheet.
Lookup = Callable[[set[str]], set[str]]  # absolute URLs in, the ones the archive holds out
PathFor = Callable[[str, str], str]  # absolute URL and modifier in, archive path out


def rewrite_html(body: bytes, page_url: str, held: Lookup, path_for: PathFor) -> str:
    """The archived page `body` (fetched from `page_url`) as safe HTML pointing into the archive."""
    text = decode_html(body)
    if not text.strip():
        return "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>"
    root = lxml.html.document_fromstring(text)
    base = _take_base(root, page_url)
    _remove_active(root)
    slots = list(_slots(root, base))
    wanted = {url for slot in slots for url in slot.urls()}
    have = held(wanted) if wanted else set()

    def to_archive(url: str, modifier: str) -> str | None:
        return path_for(url, modifier) if url in have else None

    for slot in slots:
        slot.apply(to_archive)
    _declare_utf8(root)
    doctype = "<!DOCTYPE html>\n" if text.lstrip()[:9].lower() == "<!doctype" else ""
    return doctype + lxml.html.tostring(root, encoding="unicode", method="html")


def _take_base(root: etree._Element, page_url: str) -> str:
    """The URL relative references resolve against; `<base>` read once, then removed with the rest."""
    for element in root.iter("base"):
        href = element.get("href")
        resolved = absolute(href, page_url) if href else None
        if resolved:
            return resolved
    return page_url


def _remove_active(root: etree._Element) -> None:
    doomed = []
    unwrapped = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions: removed below
        tag = element.tag.lower()
        if tag in _UNWRAPPED:
            unwrapped.append(element)
        elif tag in _REMOVED:
            doomed.append(element)
        elif tag == "meta" and (element.get("http-equiv") is not None or element.get("charset") is not None):
            doomed.append(element)  # refresh, set-cookie, a charset this page no longer has
        elif tag == "link" and not _kept_rel(element):
            doomed.append(element)  # preload, prefetch, preconnect, manifest...
    # Comments are inert, but they carry old IE's conditional <script>s and
    # commented-out tags full of live URLs: gone, so what is served can be
    # checked for what it holds.
    doomed.extend(root.iter(etree.Comment, etree.ProcessingInstruction))
    for element in unwrapped:
        if element.getparent() is not None:
            element.drop_tag()  # children and text stay where the element was
    for element in doomed:
        _drop(element)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            lowered = name.lower()
            if lowered.startswith("on") or lowered in _DROPPED:
                del element.attrib[name]


def _kept_rel(element: etree._Element) -> str | None:
    tokens = (element.get("rel") or "").lower().split()
    for token in tokens:
        if token in _KEPT_LINK_RELS and "preload" not in tokens:
            return _KEPT_LINK_RELS[token]
    return None


def _drop(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    # Keep the text that follows the element (lxml stores it on the element as its tail).
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


class _Slot:
    """One place in the tree that holds URLs, and how to rewrite it once the held set is known."""

    def urls(self) -> set[str]:
        raise NotImplementedError

    def apply(self, to_archive: ToArchive) -> None:
        raise NotImplementedError


class _Attribute(_Slot):
    def __init__(self, element: etree._Element, name: str, url: str | None, modifier: str) -> None:
        self.element, self.name, self.url, self.modifier = element, name, url, modifier

    def urls(self) -> set[str]:
        return {self.url} if self.url else set()

    def apply(self, to_archive: ToArchive) -> None:
        path = to_archive(self.url, self.modifier) if self.url else None
        if path is None:
            if self.element.tag == "link":
                _drop(self.element)  # a stylesheet or icon the archive does not hold
            else:
                del self.element.attrib[self.name]
            return
        self.element.set(self.name, path)
        if self.modifier == PAGE:
            # Out of the frame to the replay page of the other capture: a frame
            # sandboxed without scripts navigates the top only on a real click.
            self.element.set("target", "_top")


class _Fragment(_Slot):
    """An href to a place in the same document (#id): kept as it is."""

    def urls(self) -> set[str]:
        return set()

    def apply(self, to_archive: ToArchive) -> None:
        return None


class _Srcset(_Slot):
    def __init__(self, element: etree._Element, name: str, base: str) -> None:
        self.element, self.name = element, name
        self.candidates: list[tuple[str | None, str]] = []
        for candidate in (element.get(name) or "").split(","):
            parts = candidate.split()
            if parts:
                self.candidates.append((absolute(parts[0], base), " ".join(parts[1:])))

    def urls(self) -> set[str]:
        return {url for url, _ in self.candidates if url}

    def apply(self, to_archive: ToArchive) -> None:
        kept = []
        for url, descriptor in self.candidates:
            path = to_archive(url, IMAGE) if url else None
            if path is not None:
                kept.append(f"{path} {descriptor}".strip())
        if kept:
            self.element.set(self.name, ", ".join(kept))
        else:
            del self.element.attrib[self.name]


class _Css(_Slot):
    def __init__(self, element: etree._Element, base: str, attribute: str | None) -> None:
        self.element, self.base, self.attribute = element, base, attribute

    def _text(self) -> str:
        if self.attribute is not None:
            return self.element.get(self.attribute) or ""
        return self.element.text or ""

    def urls(self) -> set[str]:
        return css_urls(self._text(), self.base)

    def apply(self, to_archive: ToArchive) -> None:
        css = rewrite_css(self._text(), self.base, to_archive)
        if self.attribute is not None:
            self.element.set(self.attribute, css)
        else:
            self.element.text = css


def _slots(root: etree._Element, base: str) -> Iterator[_Slot]:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "style":
            yield _Css(element, base, None)
        for name in list(element.attrib):
            lowered = name.lower()
            value = element.get(name) or ""
            if lowered == "style":
                yield _Css(element, base, name)
            elif lowered in ("srcset",):
                yield _Srcset(element, name, base)
            elif lowered == "href" and tag in _LINK_TAGS:
                yield _link(element, name, value, base)
            elif lowered == "href" and tag == "link":
                yield _Attribute(element, name, absolute(value, base), _kept_rel(element) or IMAGE)
            elif lowered in _RESOURCE or lowered == "href":
                if value.strip().startswith("#"):
                    yield _Fragment()  # an SVG <use href="#icon">
                else:
                    yield _Attribute(element, name, absolute(value, base), IMAGE)


def _link(element: etree._Element, name: str, value: str, base: str) -> _Slot:
    if value.strip().startswith("#"):
        return _Fragment()
    url = absolute(value, base)  # None for javascript:, mailto:, data: ...: the href goes
    fragment = urldefrag(value.strip()).fragment
    slot = _Attribute(element, name, url, PAGE)
    if fragment and url:
        return _WithFragment(slot, fragment)
    return slot


class _WithFragment(_Slot):
    """A link to a place in another held page keeps its #fragment after the archive path."""

    def __init__(self, slot: _Attribute, fragment: str) -> None:
        self.slot, self.fragment = slot, fragment

    def urls(self) -> set[str]:
        return self.slot.urls()

    def apply(self, to_archive: ToArchive) -> None:
        self.slot.apply(to_archive)
        current = self.slot.element.get(self.slot.name)
        if current is not None:
            self.slot.element.set(self.slot.name, f"{current}#{self.fragment}")


def _declare_utf8(root: etree._Element) -> None:
    """The page is re-serialised as UTF-8: say so first thing in the head."""
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    meta = etree.Element("meta")
    meta.set("charset", "utf-8")
    head.insert(0, meta)
