"""Feeds: RSS 0.9x/2.0, RDF (RSS 1.0) and Atom through feedparser; JSON Feed by hand.

feedparser 6.0 does not read JSON Feed, and its sanitising of entry content is
wasted work here: only links, titles and dates are needed.
"""

from __future__ import annotations

import calendar
import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from newsarchive.crawler.crawl.discovery import Discovered, parse_iso_datetime

MAX_ENTRIES = 5000


def looks_like_json_feed(body: bytes) -> bool:
    head = body.lstrip()[:2000]
    return head.startswith(b"{") and b"jsonfeed.org" in head


def parse_feed(body: bytes, base_url: str) -> list[Discovered]:
    """Entries of any supported feed kind, in document order."""
    if looks_like_json_feed(body):
        return parse_json_feed(body, base_url)
    parsed = feedparser.parse(body, response_headers={"content-location": base_url}, sanitize_html=False)
    found: list[Discovered] = []
    for entry in parsed.entries[:MAX_ENTRIES]:
        link = _entry_link(entry)
        if not link:
            continue
        found.append(
            Discovered(
                url=urljoin(base_url, link),
                via="feed",
                title=(entry.get("title") or "").strip() or None,
                # Plain dict lookups: feedparser's own maps updated to published (deprecated).
                published=_struct_time(dict.get(entry, "published_parsed")),
                modified=_struct_time(dict.get(entry, "updated_parsed")),
                hints=_categories([t.get("term") or t.get("label") for t in entry.get("tags") or []]),
            )
        )
    return found


def _entry_link(entry: Any) -> str | None:
    # Atom entries may carry several links; the "alternate" HTML one is the article.
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    if entry.get("link"):
        return str(entry["link"])
    guid = entry.get("id") or ""
    return guid if guid.startswith(("http://", "https://")) and entry.get("guidislink", True) else None


def _struct_time(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC)


def parse_json_feed(body: bytes, base_url: str) -> list[Discovered]:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    items = data.get("items") if isinstance(data, dict) else None
    found: list[Discovered] = []
    for item in (items or [])[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str) or not link:
            continue
        title = item.get("title")
        found.append(
            Discovered(
                url=urljoin(base_url, link),
                via="feed",
                title=title.strip() or None if isinstance(title, str) else None,
                published=parse_iso_datetime(_str(item.get("date_published"))),
                modified=parse_iso_datetime(_str(item.get("date_modified"))),
                hints=_categories(tags if isinstance(tags := item.get("tags"), list) else []),
            )
        )
    return found


def _categories(values: list[Any]) -> dict[str, Any]:
    """The entry's categories (RSS <category>, Atom <category term>, JSON Feed tags), as declared."""
    found = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    return {"categories": list(dict.fromkeys(found))} if found else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
