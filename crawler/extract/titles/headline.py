"""The article's headline, chosen among the several the page states.

A page states its headline several times: ``<title>`` (usually with a
"| Site" suffix), og:title, twitter:title, the JSON-LD or microdata
headline and the visible ``<h1>``. Where the visible headline agrees with a
machine-readable one, that is the headline; otherwise the one the page type
makes most trustworthy wins (see :func:`_choose_title`). String cleaning
lives in :mod:`newsarchive.crawler.extract.titles.title_strings`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml.html import HtmlElement

from newsarchive.crawler.extract.page.jsonld import types_of
from newsarchive.crawler.extract.titles.heading_text import heading_text
from newsarchive.crawler.extract.titles.title_strings import (
    WORD,
    clean_space,
    fix_text,
    polish,
    squash,
    strip_site_name,
    without_site_tails,
)

__all__ = ["choose_title", "clean_space", "h1_texts", "squash", "strip_site_name"]

# "Kicker: Headline", "Kicker - Headline": a short topic label before the headline.
_KICKER = re.compile(r"^(.{2,60}?)(?::\s+|\s+[-–—|]\s+)(.{15,})$")

# JSON-LD types whose headline an editor writes for the story (news and
# plain articles). On blog posts and generic pages (BlogPosting, WebPage)
# SEO plugins fill the headline from the <title> setting, so there the
# visible <h1> is the better witness of what readers see as the title.
_EDITORIAL_TYPES = frozenset({"article", "newsarticle", "report", "scholarlyarticle", "techarticle"})


def h1_texts(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """Visible top-level headlines in document order, and those inside <article>/<main>."""
    found, in_article = [], []
    for node in tree.iterfind(".//h1"):
        # Repaired like the meta titles, so that the body pass recognises a
        # first line that repeats it ("&#x26;" left in the text, a date before it).
        text = fix_text(heading_text(node))
        if text and len(text) < 400:
            found.append(text)
            if any(a.tag in ("article", "main") for a in node.iterancestors()):
                in_article.append(text)
        if len(found) >= 5:
            break
    return found, in_article


def _overlap(a: str, b: str) -> float:
    wa, wb = set(WORD.findall(a.casefold())), set(WORD.findall(b.casefold()))
    return len(wa & wb) / max(1, len(wa | wb))


def _editorial(jsonld_type: Any) -> bool:
    types = types_of({"@type": jsonld_type})
    return any(t in _EDITORIAL_TYPES or t.endswith("newsarticle") for t in types)


def _without_kicker(candidates: list[str]) -> str | None:
    """The headline without a kicker, when the page's own titles vote for that.

    A title "Kicker: Headline" is cut to "Headline" when at least as many of
    the page's titles (visible h1, JSON-LD, og, twitter, <title>) read
    "Headline" alone as carry a kicker before it, or when two titles put
    unrelated kickers before the same headline (the h1 says "Middle East
    crisis - Headline", og:title "Iran attacks Israel: Headline").
    """
    keys = [squash(c) for c in candidates]
    split = [_KICKER.match(c) for c in candidates]
    for match in split:
        if not match or len(match.group(1).split()) > 6:
            continue
        rest = match.group(2).strip()
        rest_key = squash(rest)
        kickers = [m.group(1) for m in split if m and squash(m.group(2)) == rest_key]
        lacking = keys.count(rest_key)
        if (lacking and lacking >= len(kickers)) or any(
            _overlap(a, b) == 0 for a in kickers for b in kickers
        ):
            return rest
    return None


def _visible(h1s: Iterable[str], sites: list[str], url: str | None) -> list[str]:
    """The h1 texts repaired, without the site name an h1 copied from <title> carries."""
    return [strip_site_name(t, sites, url) for t in (fix_text(h) for h in h1s) if t]


def choose_title(**candidates: Any) -> str | None:
    """The headline; see :func:`_choose_title` for the order of trust."""
    try:
        return polish(_choose_title(**candidates), candidates.get("url"))
    except ValueError:  # a malformed URL
        return _choose_title(**candidates)


def _choose_title(
    *,
    jsonld_headline: str | None,
    og_title: str | None,
    twitter_title: str | None,
    html_title: str | None,
    h1s: list[str],
    article_h1s: Iterable[str] = (),
    jsonld_type: Any = None,
    microdata_headline: str | None = None,
    fallback: str | None,
    sites: list[str],
    url: str | None,
) -> str | None:
    metas = [fix_text(t) for t in (jsonld_headline, microdata_headline, og_title, twitter_title, html_title)]
    # A "site name" that repeats a headline is a misfilled tag, not a name to strip.
    headlines = {squash(t) for t in metas}
    sites = [s for s in sites if squash(s) not in headlines]
    stripped = [clean_space(strip_site_name(t, sites, url)) for t in metas if t]
    cleaned = without_site_tails([c for c in stripped if c], sites, url)
    keys = [squash(c) for c in cleaned]
    h1s = _visible(h1s, sites, url)
    # The visible headline confirmed by a machine-readable one: take the
    # machine-readable spelling (kickers in a <span> lose their colon in the h1).
    for h1 in h1s:
        key = squash(h1)
        if key in keys:
            meta = cleaned[keys.index(key)]
            # <title> and og:title often drop the headline's final "?" or "!".
            if h1.startswith(meta) and h1[len(meta) :] in ("?", "!", ".", "…"):
                return h1
            return meta
    # A kicker on some of the titles only ("Topic: Headline" beside "Headline").
    bare = _without_kicker(h1s[:1] + cleaned)
    if bare:
        return bare
    # The visible headline inside a longer title: "Kicker: Headline" or "Headline: teaser".
    for h1 in h1s:
        key = squash(h1)
        if len(key) > 15 and any(k.startswith(key) or k.endswith(key) for k in keys):
            return h1
    # No agreement. Unless an editorial JSON-LD headline or a microdata
    # headline says otherwise (blogs, guides, company pages), the visible
    # headline is what readers see as the title; <title> and og:title there
    # are often SEO variants.
    # It must still share a few words with them, or it is a logo, a call to
    # action or a section name.
    if (not jsonld_headline or not _editorial(jsonld_type)) and not microdata_headline:
        sites_keys = {squash(s) for s in sites}
        in_article = [h for h in _visible(article_h1s, sites, url) if h in h1s]
        pool = in_article or (h1s if len(h1s) == 1 else [])
        pool = [h for h in pool if squash(h) not in sites_keys and len(h.split()) >= 2]
        if pool and (not cleaned or max(_overlap(pool[0], c) for c in cleaned) >= 0.2):
            return pool[0]
    # Two machine-readable titles that agree.
    for i, first in enumerate(cleaned):
        if any(squash(first) == other for other in keys[i + 1 :]):
            return first
    if cleaned:
        return cleaned[0]
    if h1s:
        return h1s[0]
    return clean_space(fallback)
