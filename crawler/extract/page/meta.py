"""The page's ``<meta>`` tags and a few ``<link>`` tags, read once into a dict.

Keys are lower-cased ``property``/``name``/``itemprop`` values; the first
non-empty value wins, as in browsers and social-media scrapers.
"""

from __future__ import annotations

from urllib.parse import urljoin

from lxml.html import HtmlElement


def meta_tags(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.iterfind(".//meta"):
        content = node.get("content")
        if content is None:
            continue
        content = " ".join(content.split())
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = node.get(attr)
            if key:
                found.setdefault(key.strip().lower(), content)
    return found


def absolute(href: str | None, base: str | None) -> str | None:
    """``href`` made absolute against ``base``; None for empty or non-web links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(("data:", "javascript:", "#")):
        return None
    try:
        return urljoin(base, href) if base else href
    except ValueError:
        return None


def canonical_url(tree: HtmlElement, meta: dict[str, str], url: str | None) -> str | None:
    """rel=canonical, else og:url, made absolute against the page URL."""
    for link in tree.iterfind(".//link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel:
            found = absolute(link.get("href"), url)
            if found:
                return found
    return absolute(meta.get("og:url"), url)


def language(tree: HtmlElement, meta: dict[str, str], declared: str | None) -> str | None:
    """The declared language as a BCP 47 tag ("de", "en-US"), or None."""
    candidates = [
        tree.get("lang"),
        tree.get("xml:lang"),
        declared,
        meta.get("og:locale"),
        meta.get("content-language"),
        meta.get("language"),
        meta.get("dc.language"),
    ]
    for value in candidates:
        if not value:
            continue
        tag = value.strip().replace("_", "-").split(",")[0].strip()
        parts = tag.split("-")
        if not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3:
            continue
        primary = parts[0].lower()
        if len(parts) > 1 and parts[1].isalpha() and len(parts[1]) == 2:
            return f"{primary}-{parts[1].upper()}"
        return primary
    return None
