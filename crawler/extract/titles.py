"""The article's headline, without the site name that ``<title>`` appends.

A page states its headline several times: ``<title>`` (usually with a
"| Site" suffix), og:title, twitter:title, the JSON-LD headline and the
visible ``<h1>``. Where the visible headline agrees with a machine-readable
one, that is the headline; otherwise the machine-readable ones are trusted
in order, each stripped of a site-name prefix or suffix.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

# A separator must have spaces around it: "Covid-19" or "2:1" are not separators.
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|«|/|:)\s+")
# "â€™" and friends: UTF-8 bytes that were decoded as windows-1252 somewhere upstream.
_MOJIBAKE = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf\u2018-\u203a\u0152-\u0178\u20ac\u2122]")
_WORD = re.compile(r"\w+")
# Soft hyphens and zero-width characters: hyphenation and line-break hints, invisible on the page.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_HOST_NOISE = re.compile(r"^(?:www\d?|m|amp|mobile|news|edition)\.")


def squash(text: str | None) -> str:
    """Comparison key: NFKC, case-folded, letters and digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "").casefold() if ch.isalnum())


def clean_space(text: str | None) -> str | None:
    if not text:
        return None
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text or None


def _host_key(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    host = _HOST_NOISE.sub("", host)
    labels = host.split(".")
    # "bbc.co.uk" -> "bbc", "spiegel.de" -> "spiegel": the registrable name.
    if len(labels) >= 3 and len(labels[-2]) <= 3:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else host


def _is_site_part(part: str, sites: list[str], host: str) -> bool:
    key = squash(part)
    if not key:
        return True
    if any(key == s or (len(s) > 3 and (key.startswith(s) or s.startswith(key))) for s in sites if s):
        return True
    if host and len(host) > 2 and (host in key or (len(key) > 3 and key in host)):
        # "Spiegel Online" for spiegel.de; "NYTimes.com"; but a long part that
        # merely mentions the site is a headline, not a site name.
        return len(part.split()) <= 4
    return False


def strip_site_name(title: str, sites: Iterable[str], url: str | None) -> str:
    """Remove a leading or trailing site name ("Headline | Site", "Site: Headline")."""
    site_keys = [squash(s) for s in sites if s]
    host = _host_key(url)
    # "Site: Headline" has no space before the colon, so the splitter misses it.
    for site in sites:
        if (
            site
            and title.casefold().startswith(site.casefold())
            and title[len(site) : len(site) + 1] in (":", "|")
        ):
            rest = title[len(site) + 1 :].strip()
            if len(rest.split()) >= 2:
                title = rest
                break
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _SEPARATORS.findall(title)
    # Drop site-looking parts from the end, then from the start; keep at least one part.
    while len(parts) > 1 and _is_site_part(parts[-1], site_keys, host):
        parts.pop()
        seps.pop()
    while len(parts) > 1 and _is_site_part(parts[0], site_keys, host):
        parts.pop(0)
        seps.pop(0)
    out = parts[0]
    for sep, part in zip(seps, parts[1:], strict=False):
        out += sep + part
    return out.strip()


def _without_site_tails(titles: list[str], sites: Iterable[str], url: str | None) -> list[str]:
    """Each title cut back to a shorter one it starts with, when the rest ends in the site name.

    Catches site suffixes the separator rules miss: "Headline-Section|Site",
    "Headline（Site）" — written without spaces, or with a section between.
    """
    keys = [squash(s) for s in sites if s]
    host = _host_key(url)
    if host:
        keys.append(host)
    keys = [k for k in keys if len(k) > 1]
    out = []
    for title in titles:
        for other in titles:
            if len(other) < len(title) and title.startswith(other):
                rest = squash(title[len(other) :])
                if rest and any(rest.endswith(k) for k in keys):
                    title = other
                    break
        out.append(title)
    return out


def h1_texts(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """Visible top-level headlines in document order, and those inside <article>/<main>."""
    found, in_article = [], []
    for node in tree.iterfind(".//h1"):
        text = clean_space(node.text_content())
        if text and len(text) < 400:
            found.append(text)
            if any(a.tag in ("article", "main") for a in node.iterancestors()):
                in_article.append(text)
        if len(found) >= 5:
            break
    return found, in_article


def _overlap(a: str, b: str) -> float:
    wa, wb = set(_WORD.findall(a.casefold())), set(_WORD.findall(b.casefold()))
    return len(wa & wb) / max(1, len(wa | wb))


_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
# A date printed before the headline in the same element: "Dec 18 2025 Headline", "2025-12-18 Headline".
_LEADING_DATE = re.compile(
    r"^(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}"
    r"|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})\s*[|·•:–—-]?\s+(?=\S+ \S+ \S+)",
    re.IGNORECASE,
)
_DECORATION = " ⋆★☆•·|–—-:"


_PIPE = re.compile(r"\s+[|｜]\s+")


def _without_pipe_tail(title: str) -> str:
    """The title without short "| Section" or "| Tagline" parts after it.

    A pipe separates labels, not clauses: headlines use a colon or a dash.
    A part of at most three words after one ("| Opinion", "| Top 19
    Companies", "| WFA") is a section, a tagline or a brand; a longer part
    is kept (it may be a second clause the site chose to separate so).
    """
    parts = _PIPE.split(title)
    while len(parts) > 1 and len(_WORD.findall(parts[-1])) <= 3 and len(_WORD.findall(" ".join(parts[:-1]))) >= 3:
        parts.pop()
    return " | ".join(parts) if len(parts) > 1 else parts[0]


def _polish(title: str | None, url: str | None) -> str | None:
    """The chosen title without dangling decoration or a bare host name before or after it."""
    if not title:
        return title
    title = title.strip(_DECORATION) or title
    title = _without_pipe_tail(title)
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.") if url else ""
    words = title.split()
    if host and len(words) > 2:
        if words[0].lower() == host:
            title = " ".join(words[1:])
        elif words[-1].lower() == host:
            title = " ".join(words[:-1])
    return title


def fix_text(text: str | None) -> str | None:
    """Whitespace-normalised text with stray HTML entities and UTF-8-read-as-latin-1 repaired."""
    if not text:
        return None
    if "&" in text:
        text = html.unescape(text)
    text = _INVISIBLE.sub("", text)
    if _MOJIBAKE.search(text):
        for codec in ("cp1252", "latin-1"):
            try:
                text = text.encode(codec).decode("utf-8")
                break
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
    text = _MARKDOWN_HEADING.sub("", text.strip())
    return clean_space(_LEADING_DATE.sub("", text))


# "Kicker: Headline", "Kicker - Headline": a short topic label before the headline.
_KICKER = re.compile(r"^(.{2,60}?)(?::\s+|\s+[-–—|]\s+)(.{15,})$")


def _without_kicker(candidates: list[str]) -> str | None:
    """The headline without a kicker, when the page's own titles vote for that.

    A title "Kicker: Headline" is cut to "Headline" only when at least as
    many of the page's titles (visible h1, JSON-LD, og, twitter, <title>)
    read "Headline" alone as carry a kicker before it.
    """
    keys = [squash(c) for c in candidates]
    split = [_KICKER.match(c) for c in candidates]
    for match in split:
        if not match or len(match.group(1).split()) > 6:
            continue
        rest = match.group(2).strip()
        rest_key = squash(rest)
        lacking = keys.count(rest_key)
        kickers = [m.group(1) for m in split if m and squash(m.group(2)) == rest_key]
        # Two unrelated kickers before the same headline: neither is part of it.
        unrelated = any(_overlap(a, b) == 0 for a in kickers for b in kickers)
        if (lacking and lacking >= len(kickers)) or unrelated:
            return rest
    return None


# JSON-LD types whose headline is written by an editor for the story. Blog
# and page types (BlogPosting, WebPage) are mostly filled by SEO plugins from
# the <title> setting, so there the visible headline is the better witness.
_EDITORIAL_TYPES = frozenset({"article", "newsarticle", "report", "scholarlyarticle", "techarticle"})


def _editorial(types: Iterable[str]) -> bool:
    return any(t in _EDITORIAL_TYPES or t.endswith("newsarticle") for t in types)


def choose_title(**candidates: Any) -> str | None:
    """The headline; see :func:`_choose_title` for the order of trust."""
    try:
        url = candidates.get("url")
        return _polish(_choose_title(**candidates), url)
    except ValueError:  # a malformed URL
        return _choose_title(**candidates)


def _choose_title(
    *,
    jsonld_headline: str | None,
    og_title: str | None,
    twitter_title: str | None,
    html_title: str | None,
    h1s: list[str],
    article_h1s: list[str] = (),  # type: ignore[assignment]
    jsonld_types: Iterable[str] = (),
    microdata_headline: str | None = None,
    fallback: str | None,
    sites: list[str],
    url: str | None,
) -> str | None:
    metas = [fix_text(t) for t in (jsonld_headline, microdata_headline, og_title, twitter_title, html_title)]
    cleaned = [clean_space(strip_site_name(t, sites, url)) if t else None for t in metas]
    cleaned = _without_site_tails([c for c in cleaned if c], sites, url)
    keys = [squash(c) for c in cleaned]
    h1s = [h for h in (fix_text(h) for h in h1s) if h]
    # The visible headline confirmed by a machine-readable one: take the
    # machine-readable spelling (kickers in a <span> lose their colon in the h1).
    for h1 in h1s:
        key = squash(h1)
        if key in keys:
            return cleaned[keys.index(key)]
    # A kicker on some of the titles only ("Topic: Headline" beside "Headline").
    bare = _without_kicker(h1s[:1] + cleaned)
    if bare:
        return bare
    # The visible headline inside a longer title: "Kicker: Headline" or "Headline: teaser".
    for h1 in h1s:
        key = squash(h1)
        if len(key) > 15 and any(k.startswith(key) or k.endswith(key) for k in keys):
            return h1
    # No agreement. Without a JSON-LD headline (blogs, guides, company pages)
    # the visible headline is what readers see as the title; <title> and
    # og:title there are often SEO variants. It must still resemble them a
    # little, or it is a logo, a widget title or a section name.
    if not jsonld_headline or not _editorial(jsonld_types):
        sites_keys = {squash(s) for s in sites}
        pool = [h for h in article_h1s if h in h1s] or (h1s if len(h1s) == 1 else [])
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
