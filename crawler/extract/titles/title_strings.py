"""Title strings: comparison keys, repairs, and the site name or section around a headline.

Pure string work for :mod:`newsarchive.crawler.extract.titles.headline`: entities and mojibake
repaired, invisible characters dropped, "Headline | Site" and "Site:
Headline" cut back to the headline, decoration and short "| Section" labels
removed from the chosen title.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from newsarchive.crawler.extract.keys import squash

# A separator must have spaces around it: "Covid-19" or "2:1" are not
# separators. The full-width bar is the exception: CJK titles write
# "見出し｜サイト" without spaces.
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|«|/|:)\s+|\s*｜\s*")
# "â€™" and friends: UTF-8 bytes that were decoded as windows-1252 somewhere upstream.
_MOJIBAKE = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf\u2018-\u203a\u0152-\u0178\u20ac\u2122]")
WORD = re.compile(r"\w+")
# Soft hyphens and zero-width characters: hyphenation and line-break hints,
# invisible on the page but enough to split a word in two for a search.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_HOST_NOISE = re.compile(r"^(?:www\d?|m|amp|mobile|news|edition)\.")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
# A date printed before the headline in the same element: "Dec 18 2025 Headline", "2025-12-18 Headline".
_LEADING_DATE = re.compile(
    r"^(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}"
    r"|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})\s*[|·•:–—-]?\s+(?=\S+ \S+ \S+)",
    re.IGNORECASE,
)
_DECORATION = " ⋆★☆•·|–—-:"
_PIPE = re.compile(r"\s+\|\s+|\s*｜\s*")


def clean_space(text: str | None) -> str | None:
    if not text:
        return None
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text or None


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


def host_key(url: str | None) -> str:
    """The registrable name of the URL's host: "bbc" for www.bbc.co.uk, "spiegel" for spiegel.de."""
    if not url:
        return ""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    host = _HOST_NOISE.sub("", host)
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-2]) <= 3:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else host


def _is_site_part(part: str, sites: list[str], host: str) -> bool:
    key = squash(part)
    if not key:
        return True
    short = len(part.split()) <= 4
    # "Spiegel Online" for the site "Spiegel", "Daily" for "Daily News"; but a
    # clause that starts with the site's name ("Acme at the trade fair 2018") is
    # part of the headline.
    if any(
        key == s or (len(s) > 3 and (s.startswith(key) or (short and key.startswith(s)))) for s in sites if s
    ):
        return True
    if host and len(host) > 2 and (host in key or (len(key) > 3 and key in host)):
        # "Spiegel Online" for spiegel.de; "NYTimes.com"; but a long part that
        # merely mentions the site is a headline, not a site name.
        return short
    return False


def strip_site_name(title: str, sites: Iterable[str], url: str | None) -> str:
    """Remove a leading or trailing site name ("Headline | Site", "Site: Headline")."""
    site_keys = [squash(s) for s in sites if s]
    host = host_key(url)
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


def without_site_tails(titles: list[str], sites: Iterable[str], url: str | None) -> list[str]:
    """Each title cut back to a shorter one it starts with, when the rest ends in the site name.

    Catches the site suffixes the separator rules miss because they are
    written without spaces or with a section between: "Headline-Politics|Site"
    beside a bare "Headline" in another tag.
    """
    keys = [k for k in (squash(s) for s in sites if s) if len(k) > 1]
    host = host_key(url)
    if len(host) > 1:
        keys.append(host)
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


def without_pipe_tail(title: str) -> str:
    """The title without short "| Section" or "| Tagline" parts after it.

    A pipe separates labels, not clauses: headlines use a colon or a dash.
    A part of at most three words after one ("| Opinion", "| Top 19
    Companies", "| WFA") is a section, a tagline or a brand; a longer part
    is kept, as is a pipe after a short kicker ("BUDGET 3.0 | Headline").
    """
    while pipes := list(_PIPE.finditer(title)):
        head, tail = title[: pipes[-1].start()], title[pipes[-1].end() :]
        if len(WORD.findall(tail)) > 3 or len(WORD.findall(head)) < 3:
            break
        title = head
    return title


def polish(title: str | None, url: str | None) -> str | None:
    """The chosen title without dangling decoration, "| Section" labels or a leading bare host name."""
    if not title:
        return title
    title = title.strip(_DECORATION) or title
    title = without_pipe_tail(title)
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.") if url else ""
    words = title.split()
    # Only before the headline: at its end a host name is often part of the
    # sentence ("… according to Example.com").
    if host and len(words) > 2 and words[0].lower() == host:
        title = " ".join(words[1:])
    return title
