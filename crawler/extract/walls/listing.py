"""Pages that list articles instead of being one: section fronts, tag pages, gallery indexes.

A section front, a tag or author page, a home page or a gallery index is
fetched like an article (a sitemap lists it, a capture is asked for it) and
trafilatura finds text on it: the teasers. That text is not an article and
a date guessed from it is invented. Signals that hold across the web, not
per publisher:

- **markup**: a JSON-LD or microdata article node, or og:type ``article``
  on a page that does not declare itself a ``CollectionPage``, ``ItemList``,
  ``SearchResultsPage`` or ``ProfilePage``, is an article's;
- **teasers**: links to other pages of the site whose text reads like a
  headline (three words or more); the teaser's card is the largest element
  around the link that holds no other teaser (headline, summary, time);
- **the extracted text**: on a listing most of it lies inside the cards,
  and no line outside them is long prose.

Only a page with no article markup whose text is mostly teasers is a
listing, so a real article (which nearly always declares itself, and whose
text is prose) stays one. Which listing it is (the reason) comes from the page: a tag,
topic, author or archive path or body class makes a ``tag_page``, teasers
that are mostly pictures a ``gallery_index``, anything else a
``section_front`` (home pages included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from newsarchive.crawler.extract.keys import squash
from newsarchive.crawler.extract.page.jsonld import ARTICLE_TYPES, types_of

LISTING_KINDS = ("section_front", "tag_page", "gallery_index")

_LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "profilepage"})
_MICRODATA_ARTICLE = re.compile(r"schema\.org/(?:\w*NewsArticle|Article|BlogPosting|Report)\b", re.IGNORECASE)
_ITEMTYPES = etree.XPath("//@itemtype", smart_strings=False)
# Path segments and body classes that name a listing by term: the CMS words for
# tag, topic, author and date archive in the languages the walls read.
_TERM_LISTING = re.compile(
    r"^(?:tags?|topics?|themen?|thema|schlagw(?:ort|oerter)|stichwort|tema|temas|sujets?|"
    r"etiquetas?|onderwerp|authors?|autor(?:en|es)?|auteurs?|archives?|category|kategorie)$"
)
# A headline-like link text: three words at least.
TEASER_WORDS = 3
# A listing has at least this many distinct teasers, unless its markup says it is one.
MANY_TEASERS = 3
# A teaser's card (headline, summary, byline, time) is short; a longer element is a page part.
CARD_WORDS = 80
# A teaser's headline is at least this share (%) of its card's words.
HEADLINE_SHARE = 20
# On a listing at least this share of the extracted words lie inside teaser cards.
TEASER_SHARE = 0.6
# A line this long outside every card is prose: an article's paragraph.
PROSE_WORDS = 60


@dataclass(frozen=True)
class ListingSignals:
    """What the untouched page says about being a listing (read before the body pass prunes it)."""

    article_markup: bool
    # og:type website, a declared CollectionPage/ItemList/..., or a tag/topic/author path or body class.
    listing_markup: bool
    teasers: int
    picture_teasers: int
    term_listing: bool
    # The squashed text of every teaser card, joined by "|" (a line is in a card when it is a substring).
    cards: str


def read_listing(
    tree: HtmlElement, url: str | None, meta: dict[str, str], nodes: list[dict[str, Any]]
) -> ListingSignals:
    """The listing signals of the untouched page (``url`` tells which links stay on the site)."""
    og_type = (meta.get("og:type") or "").strip().lower()
    types = set().union(*(types_of(n) for n in nodes)) if nodes else set()
    microdata = any(_MICRODATA_ARTICLE.search(t) for t in _ITEMTYPES(tree))
    declared_listing = bool(types & _LISTING_TYPES)
    article_markup = (
        bool(types & ARTICLE_TYPES) or microdata or (og_type.startswith("article") and not declared_listing)
    )
    if article_markup:
        # Decided by the markup (84% of the evaluation pages): the links need not be read.
        return ListingSignals(True, False, 0, 0, False, "")
    host = urlsplit(url or "").hostname
    here = urlsplit(url or "").path
    links: dict[str, list[HtmlElement]] = {}
    for link in tree.iter("a"):
        href = urlsplit((link.get("href") or "").strip())
        if href.scheme not in ("", "http", "https") or (href.hostname and href.hostname != host):
            continue
        if href.path and href.path not in ("/", here) and len(link.text_content().split()) >= TEASER_WORDS:
            links.setdefault(href.path, []).append(link)
    cards = []
    pictures = 0
    body_classes = {c.lower() for b in tree.iter("body") for c in (b.get("class") or "").split()}
    segments = {s.lower() for s in here.split("/") if s}
    term_listing = any(_TERM_LISTING.match(w) for w in segments | body_classes)
    listing_markup = declared_listing or og_type == "website" or term_listing
    if len(links) >= (1 if listing_markup else MANY_TEASERS):
        owner = {id(link): path for path, found in links.items() for link in found}
        for path, found in links.items():
            card = _card(found[0], path, owner)
            words = card.text_content().split()
            # A teaser's headline is a good part of its card; a link inside a paragraph is not a teaser.
            if len(found[0].text_content().split()) * 100 < HEADLINE_SHARE * len(words):
                continue
            cards.append(squash(" ".join(words)))
            pictures += any(True for _ in card.iter("img", "picture"))
    return ListingSignals(
        article_markup=article_markup,
        listing_markup=listing_markup,
        teasers=len(links),
        picture_teasers=pictures,
        term_listing=term_listing,
        cards="|".join(cards),
    )


def _card(link: HtmlElement, path: str, owner: dict[int, str]) -> HtmlElement:
    """The largest element around a teaser link that holds no other teaser and stays short."""
    card = link
    parent = link.getparent()
    while parent is not None and parent.tag not in ("body", "html"):
        if any(owner.get(id(a), path) != path for a in parent.iter("a")):
            break
        if len(parent.text_content().split()) > CARD_WORDS:
            break
        card, parent = parent, parent.getparent()
    return card


def listing_kind(signals: ListingSignals, text: str) -> str | None:
    """The listing kind (one of LISTING_KINDS) of a page, or None when it may be an article."""
    if signals.article_markup or not signals.cards:
        return None
    # Without markup that says "listing", a few teasers could be an article's links.
    if signals.teasers < MANY_TEASERS and not signals.listing_markup:
        return None
    lines = [(squash(line), len(line.split())) for line in text.splitlines() if line.strip()]
    total = sum(n for _, n in lines)
    if total == 0:
        return None  # nothing was extracted: the walls' "empty", not a listing
    inside = sum(n for key, n in lines if key and key in signals.cards)
    if any(n >= PROSE_WORDS for key, n in lines if not (key and key in signals.cards)):
        return None
    if inside / total < TEASER_SHARE:
        return None
    if signals.picture_teasers * 2 > signals.teasers:
        return "gallery_index"
    return "tag_page" if signals.term_listing else "section_front"
