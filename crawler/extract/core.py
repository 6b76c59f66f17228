"""``extract_article``: one page of HTML in, one :class:`Article` out.

trafilatura finds the main text; the DOM passes of this package supply what
it gets wrong or leaves out (captions, clean titles and authors, declared
dates, canonical URL, quality flags). The HTML is parsed once; trafilatura
works on its own copy of the tree, our passes read the untouched original.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from lxml.html import HtmlElement

from newsarchive.crawler.extract import fallbacks, flags
from newsarchive.crawler.extract.article import Article, Caption
from newsarchive.crawler.extract.authors import bylines
from newsarchive.crawler.extract.authors.names import clean_authors, is_site_name, without_site
from newsarchive.crawler.extract.body import boilerplate
from newsarchive.crawler.extract.body import main_text as body
from newsarchive.crawler.extract.body.cleanup import remove_lines, tidy_text
from newsarchive.crawler.extract.body.lede import visible_lede, with_lede
from newsarchive.crawler.extract.captions import dom_captions, jsonld_captions, merge_captions
from newsarchive.crawler.extract.captions.in_text import without_captions
from newsarchive.crawler.extract.dates.publication import page_dates
from newsarchive.crawler.extract.language import detect_language
from newsarchive.crawler.extract.page.encoding import decode_html
from newsarchive.crawler.extract.page.jsonld import (
    by_id,
    find_article,
    is_free,
    jsonld_nodes,
    person_names,
    text_value,
)
from newsarchive.crawler.extract.page.meta import absolute, canonical_url, language, meta_tags
from newsarchive.crawler.extract.page.parsing import parse_html
from newsarchive.crawler.extract.speed.selectors import compiled_selectors
from newsarchive.crawler.extract.speed.selectors import install as install_selectors
from newsarchive.crawler.extract.titles.headline import choose_title, clean_space, h1_texts, squash
from newsarchive.crawler.extract.walls import may_be_wall, page_kind, read_markup
from newsarchive.crawler.extract.walls.listing import listing_kind, read_listing

# Kinds whose page is not the article at all: a date read from them is not the article's.
_UNDATED_KINDS = frozenset({"soft_404", "error_page"})

LOG = logging.getLogger(__name__)
install_selectors()

# Pages above these sizes are cut before parsing, at a tag boundary, and
# flagged "truncated". trafilatura's main pass and its readability comparison
# grow quadratically with the number of elements (20k paragraphs ~1 s CPU,
# 100k ~24 s; 20k inline spans in one paragraph ~6 s), so the element count
# is what must be bounded (12k: under 3 s CPU for every shape tried); the largest of
# the ~1,000 evaluation pages is 1.8 MB with 5,000 tags.
MAX_INPUT_CHARS = 2_000_000
MAX_TAGS = 12_000
_OPENING_TAG = re.compile(r"<[A-Za-z]")
# A script or style this long is data or code, never the article: emptied
# (tags kept) when a page is over the size limit.
MAX_SCRIPT_CHARS = 100_000
_BULKY_SCRIPT = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.IGNORECASE | re.DOTALL)
# With no fetch time, htmldate still needs a fixed reference instead of today.
FAR_REFERENCE = date(2100, 1, 1)


def _empty(url: str | None, flag_list: list[str]) -> Article:
    return Article(url=url, title=None, text="", flags=sorted({*flag_list, "empty"}), kind="empty")


def _parse(html: str) -> HtmlElement | None:
    try:
        return parse_html(html)
    except Exception:  # noqa: BLE001 - lxml raises a zoo of errors on junk; junk is an empty page
        return None


def extract_article(
    html: str | bytes,
    url: str | None = None,
    *,
    fetched_at: datetime | None = None,
) -> Article:
    """Extract the article from one page. Never raises; bad input gives an Article with flags."""
    try:
        with compiled_selectors():
            return _extract(html, url, fetched_at)
    except Exception:  # noqa: BLE001 - the contract: no exception escapes, whatever the page
        LOG.exception("extraction failed for %s", url)
        return _empty(url, ["error"])


def bounded(text: str) -> tuple[str, bool]:
    """``text`` cut before the first tag past the size limits, and whether it was cut.

    Over the size limit, large scripts and styles are emptied first: 2.4 MB
    of JSON-LD in the head would otherwise push the whole body past the cut.
    """
    if len(text) > MAX_INPUT_CHARS:
        text = _BULKY_SCRIPT.sub(_emptied, text)
    cut = len(text)
    if cut > MAX_INPUT_CHARS:
        boundary = text.rfind("<", 0, MAX_INPUT_CHARS)
        cut = boundary if boundary > 0 else MAX_INPUT_CHARS
    for count, match in enumerate(_OPENING_TAG.finditer(text, 0, cut)):
        if count == MAX_TAGS:
            cut = match.start()
            break
    return (text[:cut], True) if cut < len(text) else (text, False)


def _emptied(match: re.Match[str]) -> str:
    if len(match.group(3)) <= MAX_SCRIPT_CHARS:
        return match.group(0)
    return match.group(1) + match.group(4)


def _extract(html: str | bytes, url: str | None, fetched_at: datetime | None) -> Article:
    flag_list: list[str] = []
    text_in = decode_html(html) if isinstance(html, bytes | bytearray) else (html or "")
    text_in, cut = bounded(text_in)
    if cut:
        flag_list.append("truncated")
    # NUL bytes make lxml stop; binary junk is full of them.
    text_in = text_in.replace("\x00", "")
    if "<" not in text_in:
        return _empty(url, flag_list)
    tree = _parse(text_in)
    if tree is None:
        return _empty(url, flag_list)
    reference = fetched_at.date() if fetched_at else FAR_REFERENCE
    article = _assemble(tree, url, reference, flag_list)
    if not may_be_wall(article.text):
        return article
    # Walls are short, and the body pass has pruned the banners and modals
    # they are made of from this tree: read their markup from a fresh parse,
    # paid only by short pages (9% of the evaluation pages, ~10 ms each).
    fresh = _parse(text_in)
    if fresh is None:
        return article
    kind = page_kind(read_markup(fresh), article.text, not_free="paywall" in article.flags)
    if kind == "article":
        return article  # a listing found by _assemble stays one
    if kind in _UNDATED_KINDS:
        return replace(article, kind=kind, published=None, modified=None)
    return replace(article, kind=kind)


def _body_text(tree: HtmlElement, url: str | None, reference: date) -> str:
    """trafilatura's main text, from a tree cleared of widgets (trafilatura works on a copy)."""
    boilerplate.prune_widgets(tree)
    return body.main_text(tree, url, reference)


def _assemble(tree: HtmlElement, url: str | None, reference: date, flag_list: list[str]) -> Article:
    meta = meta_tags(tree)
    nodes = jsonld_nodes(tree)
    art = find_article(nodes) or {}
    refs = by_id(nodes)
    base = url or canonical_url(tree, meta, None)

    publisher = art.get("publisher")
    sites = [
        s
        for s in (
            meta.get("og:site_name"),
            text_value(publisher.get("name")) if isinstance(publisher, dict) else None,
            meta.get("application-name"),
            meta.get("twitter:site", "").lstrip("@") or None,
        )
        if s
    ]
    # Everything read from the untouched page comes first: the body pass prunes the tree.
    h1s, article_h1s = h1_texts(tree)
    html_title = next((clean_space(t.text_content()) for t in tree.iterfind(".//title")), None)
    title = choose_title(
        jsonld_headline=text_value(art.get("headline")) or text_value(art.get("name")),
        jsonld_type=art.get("@type"),
        microdata_headline=meta.get("headline"),
        og_title=meta.get("og:title"),
        twitter_title=meta.get("twitter:title"),
        html_title=html_title,
        h1s=h1s,
        article_h1s=article_h1s,
        fallback=None,
        sites=sites,
        url=url,
    )

    authors, organisation_authors = _authors(tree, art, refs, meta, sites)

    lang = language(tree, meta, text_value(art.get("inLanguage")))
    published, modified = page_dates(tree, art, nodes, meta, lang, title, reference)

    captions = merge_captions(dom_captions(tree, base) + jsonld_captions(art, base, refs), headlines=[title])
    canonical = canonical_url(tree, meta, url)

    description = clean_space(
        text_value(art.get("description")) or meta.get("og:description") or meta.get("description")
    )
    lede = visible_lede(tree, description)
    # Fallbacks that search the page text, only when nothing was declared;
    # before the body pass, which prunes the tree (author boxes included).
    if not authors:
        authors = clean_authors(fallbacks.byline(tree)) or organisation_authors
    # Read before the body pass prunes the tree (teaser lists go first).
    listing = read_listing(tree, url, meta, nodes)
    if not published:
        published = fallbacks.guessed_date(tree, url, reference)
    text = _body_text(tree, url, reference)
    text = boilerplate.filter_lines(text)
    text = remove_lines(
        text, [c.caption for c in captions] + [_full(c) for c in captions], [c.credit for c in captions]
    )
    text = without_captions(text, captions)
    text = _without_headline(tidy_text(with_lede(text, lede)), [title, *h1s[:1]])

    images = []
    for candidate in [meta.get("og:image")] + [c.src for c in captions]:
        found = absolute(candidate, base)
        if found and found not in images:
            images.append(found)

    if flags.paywalled(meta, is_free(art)):
        flag_list.append("paywall")
    if flags.consent_walled(text):
        flag_list.append("consent-wall")
    if not text.strip():
        flag_list.append("empty")
    # A section front, tag page or gallery index: recorded as what it is, with
    # no article date (what htmldate finds on one is a teaser's, or invented).
    kind = listing_kind(listing, text) or "article"
    if kind != "article":
        published = modified = None

    return Article(
        url=url,
        title=title,
        text=text,
        authors=authors,
        published=published,
        modified=modified,
        language=lang,
        # Only where the page declares none: a declared language is the publisher's word.
        detected_language=None if lang else detect_language(f"{title or ''}\n{text}"),
        sitename=clean_space(sites[0]) if sites else None,
        description=description,
        captions=captions,
        images=images,
        flags=sorted(set(flag_list)),
        canonical_url=canonical,
        kind=kind,
    )


def _authors(
    tree: HtmlElement,
    art: dict[str, Any],
    refs: dict[str, dict[str, Any]],
    meta: dict[str, str],
    sites: list[str],
) -> tuple[list[str], list[str]]:
    """People credited with the article, and organisations as a last resort.

    JSON-LD persons first; an Organization as JSON-LD author is usually the
    publisher standing in for the byline, so the page's own byline markup
    is tried before falling back to it.
    """
    declared = art.get("author") or art.get("creator")
    people = person_names(declared, refs, kind="person")
    organisations = clean_authors(person_names(declared, refs, kind="organization"))
    # A "Person" named like the site is the publisher standing in for the byline.
    names = clean_authors(people)
    organisations += [n for n in names if is_site_name(n, sites)]
    names = [n for n in names if not is_site_name(n, sites)]
    if names:
        return bylines.refine(names, tree), organisations
    meta_names = [
        v
        for v in (
            meta.get("author"),
            meta.get("article:author"),
            meta.get("dc.creator"),
            meta.get("parsely-author"),
            meta.get("sailthru.author"),
        )
        if v
    ]
    declared_meta = [v for v in meta_names if len(v.split()) >= 2 or v.startswith("http")]
    # Each search walks the page: run them one at a time, only until one finds a name.
    for search in (
        bylines.microdata_authors,
        lambda _: declared_meta,
        bylines.linked_authors,
        bylines.classed_authors,
        bylines.labelled_authors,
        bylines.by_lines,
    ):
        found = without_site(clean_authors(search(tree)), sites)
        if found:
            return bylines.refine(found, tree), organisations
    return [], organisations or clean_authors(meta_names)


# A section label or kicker printed above the headline: a few words, no sentence.
_LABEL_WORDS = 4


def _without_headline(text: str, headlines: list[str | None]) -> str:
    """The text without a first line that repeats the headline (it is the title, not the body).

    A short label line before that repeat (the section, a kicker: "Politics")
    goes with it: it is the page's header, not the article's first line.
    """
    keys = {squash(h) for h in headlines if h} - {""}
    lines = text.split("\n", 2)
    if len(lines) > 1 and squash(lines[0]) in keys:
        return text.partition("\n")[2].lstrip("\n")
    if len(lines) > 2 and squash(lines[1]) in keys and _is_label(lines[0]):
        return lines[2].lstrip("\n")
    return text


def _is_label(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= _LABEL_WORDS and not re.search(r"[.!?:;,]$", line.strip())


def _full(caption: Caption) -> str:
    return f"{caption.caption} {caption.credit}" if caption.credit else caption.caption
