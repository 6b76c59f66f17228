"""The search box takes a URL too: a URL typed there is looked up, not searched for as words.

A researcher holding a link wants that article's page, and a full-text search
for "https news example com 2026" would bury it. Only text that is plainly a
URL counts (a scheme and no spaces, or a bare `www.` host); anything else
stays a query.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from newsarchive.storage.research.read import NotFound, find_article

_URL = re.compile(r"(?i)^(?:https?://\S+|www\.[^\s/]+\.[^\s/]+\S*)$")


def as_url(text: str | None) -> str | None:
    """The URL the search box holds, or None when it holds words."""
    value = (text or "").strip()
    if not _URL.match(value):
        return None
    return value if "://" in value else "https://" + value


def article_for(session: Session, url: str) -> int | None:
    """The id of the article archived for `url` (any URL it was captured from), or None."""
    try:
        return find_article(session, url).id
    except NotFound:
        return None
