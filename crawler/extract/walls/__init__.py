"""Walls and junk: pages served with status 200 that are not the article.

A consent wall, a paywall teaser, a bot challenge, a login wall, a soft 404
or an empty or error shell must never become a version of an article, and
neither must a section front, a tag page or a gallery index (``listing``).
``page_kind`` names what a page is from its markup, its visible text and the
extracted text (pure: no Scrapy, no storage).
"""

from __future__ import annotations

from newsarchive.crawler.extract.walls.kind import KINDS, WALL_KINDS, may_be_wall, page_kind
from newsarchive.crawler.extract.walls.listing import LISTING_KINDS, listing_kind, read_listing
from newsarchive.crawler.extract.walls.markup import Markup, read_markup

__all__ = [
    "KINDS",
    "LISTING_KINDS",
    "WALL_KINDS",
    "Markup",
    "listing_kind",
    "may_be_wall",
    "page_kind",
    "read_listing",
    "read_markup",
]
