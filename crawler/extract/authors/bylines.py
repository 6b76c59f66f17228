"""Author names found in the page markup when JSON-LD names no person.

Three conventions, in decreasing reliability:

- microdata: an ``itemprop="author"`` element (its ``itemprop="name"``);
- links to an author page (``/author/jane-doe``, ``rel="author"``) whose
  text is the name the URL slug spells: the agreement makes it precise;
- a short "By Jane Doe" / "Written by Jane Doe" / "Von Max Muster" line.

Navigation, footers, sidebars and "more from"/related widgets are skipped:
they list other articles' authors.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from newsarchive.crawler.extract.authors.credits import credited, in_sentence
from newsarchive.crawler.extract.authors.names import clean_authors
from newsarchive.crawler.extract.body.regions import in_furniture
from newsarchive.crawler.extract.dates.calendar_text import find_dates
from newsarchive.crawler.extract.keys import squash

_AUTHOR_PATH = re.compile(
    r"/(?:authors?|autor(?:en|in)?|auteurs?|autores?|writers?|staff|people|profiles?|journalists?|"
    r"producers?|contributors?|team|redaktion|byline|reporter)/([^/?#]+)/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_BY_LINE = re.compile(
    r"^\s*(?:by|written by|posted by|words by|authors?|contributors?|von|par|por|di|door|av|af|text)\s*:?\s+(.{3,80}?)\s*$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[^\W\d_][\w.'’-]*$")
_CONNECTOR = frozenset(
    {"and", "und", "&", "et", "y", "e", "de", "van", "von", "der", "den", "da", "di", "del", "la", "le"}
)


def looks_like_name(text: str) -> bool:
    """Two to eight words, each a word-ish token, most capitalised: "Jane Doe", "Anna van der Berg"."""
    words = text.split()
    if not 2 <= len(words) <= 8 or len(text) > 80:
        return False
    if not all(_NAME_WORD.match(w) or w.casefold() in _CONNECTOR for w in words):
        return False
    capitals = sum(1 for w in words if w[0].isupper())
    return capitals >= max(2, len(words) - 2)


def _text(node: HtmlElement) -> str:
    return " ".join(node.text_content().split())


def _article_of(node: HtmlElement) -> HtmlElement | None:
    return next((a for a in node.iterancestors("article")), None)


def microdata_authors(tree: HtmlElement) -> list[str]:
    names: list[str] = []
    home: HtmlElement | None = None
    for node in tree.iterfind(".//*[@itemprop]"):
        if "author" not in (node.get("itemprop") or "").lower().split() or in_furniture(node):
            continue
        # Teasers of other posts are <article>s too: only the first author's <article> counts.
        article = _article_of(node)
        if (names and article is not home) or credited(node):
            continue
        home = article
        named = next((n for n in node.iterfind(".//*[@itemprop='name']")), None)
        value = (
            (named.get("content") or _text(named))
            if named is not None
            else (node.get("content") or _text(node))
        )
        if value and value not in names:
            names.append(value)
    return names


def linked_authors(tree: HtmlElement) -> list[str]:
    names: list[str] = []
    first: HtmlElement | None = None
    for link in tree.iterfind(".//a[@href]"):
        href = link.get("href") or ""
        match = _AUTHOR_PATH.search(href)
        rel_author = "author" in (link.get("rel") or "").lower().split()
        if not match and not rel_author:
            continue
        text = _text(link)
        text = re.sub(r"^(?:by|von|par|por)\s+", "", text, flags=re.I)
        slug = squash(match.group(1)) if match else ""
        # A one-word name ("Amanda") is credible only when the author page's slug spells exactly it.
        single = bool(slug) and slug == squash(text) and len(slug) >= 3 and _NAME_WORD.match(text)
        if not (looks_like_name(text) or single) or in_furniture(link):
            continue
        # The slug must spell the name (allowing for ids or initials around it).
        if match and not rel_author and (not slug or squash(text) not in slug and slug not in squash(text)):
            continue
        if in_sentence(link, text) or credited(link):
            # An author page linked from running text cites someone (an expert, a
            # colleague); one after "Reviewed by"/"Tested by" credits a reviewer.
            continue
        if names and not _near(first, link):
            # Later author links outside the first byline are reviewers,
            # "tested by" credits or other articles' authors.
            continue
        if not names:
            first = link
        if text not in names:
            names.append(text)
        if len(names) >= 6:
            break
    return names


def _near(a: HtmlElement, b: HtmlElement, levels: int = 3) -> bool:
    """True when ``b`` lies within ``levels`` ancestors of ``a``: the same byline block."""
    node = a
    for _ in range(levels):
        node = node.getparent()
        if node is None:
            return False
    return any(x is node for x in b.iterancestors())


_AUTHOR_CLASS = re.compile(r"author|byline|writer|autor", re.I)
_NOT_AUTHOR_CLASS = re.compile(r"bio|avatar|image|img|photo|description|about|box|social|more", re.I)


def _without_dates(text: str) -> str:
    """A byline without the date printed with it: "Dec 17, 2025Julian K. Arni" -> "Julian K. Arni"."""
    spans = [(start, end) for start, end, _, _ in find_dates(text)]
    for start, end in reversed(spans):
        text = f"{text[:start]} {text[end:]}"
    return text.strip(" ·•|–—-,") if spans else text


def classed_authors(tree: HtmlElement) -> list[str]:
    """The first short element classed like a byline ("post-author", "author-name") holding a name."""
    for node in tree.iter("span", "p", "div", "a", "strong", "b", "li", "address", "h3", "h4", "h5", "h6"):
        marks = (
            (node.get("class") or "")
            + " "
            + (node.get("id") or "")
            + " "
            + (node.get("data-tooltip-id") or "")
        )
        if not _AUTHOR_CLASS.search(marks) or _NOT_AUTHOR_CLASS.search(marks) or len(node) > 6:
            continue
        text = _without_dates(_text(node))
        text = re.sub(r"^(?:written by|posted by|by|von|par|por|author:?)\s+", "", text, flags=re.I)
        if looks_like_name(text) and not in_furniture(node):
            return [text]
    return []


_LABEL_ONLY = re.compile(
    r"^\s*(?:by|author|written by|posted by|article by|story by|words by|reported by|von|autor(?:in)?|par|por)"
    r"\s*:?\s*$",
    re.IGNORECASE,
)


def labelled_authors(tree: HtmlElement) -> list[str]:
    """A label element ("By", "Author", "Written by") followed by an element holding the name."""
    for node in tree.iter("span", "div", "p", "h3", "h4", "h5", "h6", "strong", "dt", "li"):
        if len(node) > 1 or not _LABEL_ONLY.match(node.text_content() or ""):
            continue
        sibling = node.getnext()
        if sibling is None and node.tail and node.tail.strip():
            candidate = node.tail
        elif sibling is not None:
            candidate = sibling.text_content()
        else:
            continue
        name = " ".join(candidate.split())
        if looks_like_name(name) and not in_furniture(node):
            return [name]
    return []


def by_lines(tree: HtmlElement) -> list[str]:
    for node in tree.iter("p", "span", "div", "li", "address", "h3", "h4", "h5", "h6", "strong"):
        if len(node) > 4:
            continue
        text = _text(node)
        if len(text) > 90:
            continue
        match = _BY_LINE.match(text)
        if match and not in_furniture(node):
            name = match.group(1)
            parts = re.split(r"\s*(?:,|\band\b|\bund\b|&)\s*", name)
            if all(looks_like_name(p) for p in parts if p):
                return [name]
    return []


def with_coauthors(names: list[str], tree: HtmlElement) -> list[str]:
    """One declared author, extended by the co-authors the page's byline links beside them.

    Metadata often carries only the account that posted the article, while
    the byline links every author's page ("Jane Doe, John Roe & Ann Poe").
    """
    if len(names) != 1:
        return names
    linked = clean_authors(linked_authors(tree))
    if len(linked) < 2:
        return names
    key, first = squash(names[0]), squash(linked[0])
    return linked if key and first and (key in first or first in key) else names


def refine(names: list[str], tree: HtmlElement) -> list[str]:
    """Declared names checked against the page's byline.

    A declared first name alone ("Tom") gives way to the byline that spells
    it out ("Tom May"). One declared author gains the co-authors linked
    beside them.
    """
    if len(names) == 1 and " " not in names[0]:
        for source in (linked_authors, classed_authors, labelled_authors, by_lines):
            shown = clean_authors(source(tree))
            if shown:
                # Only the same person spelled out: "Tom" -> "Tom May".
                if len(shown) == 1 and shown[0].casefold().startswith(names[0].casefold() + " "):
                    return shown
                break
    return with_coauthors(names, tree)
