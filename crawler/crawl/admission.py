"""Admission: which discovered URLs a crawl fetches, the same for every spider.

The source spider (one process) and the Redis worker (many) both read feeds,
sitemaps and section pages; what they do with the URLs found is decided
here, so the two cannot drift apart. In order:

1. the URL is put in canonical form (unusable URLs are dropped);
2. site: feed and sitemap entries are the publisher's own list and are
   taken on any host; links found on a section page only within the page's
   registrable domain or a host the source names in `hosts`;
3. the source's allow/deny patterns, and no listing pages (home, section,
   tag, author, paging);
4. max_age: entries whose declared date is older are left;
5. each URL once per run, whichever source found it first;
6. URLs already archived are left to the revisit job;
7. URLs robots.txt refused within the recheck period are not asked again;
8. max_urls: at most that many new URLs per source and run.

robots.txt itself is obeyed per host when a request is made (Scrapy's
middleware), whatever host the URL is on.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.discovery import Discovered
from newsarchive.crawler.crawl.discovery.links import looks_like_listing
from newsarchive.crawler.crawl.discovery.sites import registrable_domain, same_family, url_host
from newsarchive.crawler.crawl.responses import ROBOTS_REASON
from newsarchive.crawler.crawl.sources import Source
from newsarchive.storage.crawl_state.frontier import Frontier
from newsarchive.storage.write.declared import declared_record, refresh_declared
from newsarchive.storage.write.dedup import BadURL, canonical_url

log = logging.getLogger(__name__)

# Other sites named in a "why nothing was archived" message, at most.
MAX_SUGGESTED_HOSTS = 5


class Admission:
    """The admission rules of one crawl process; keeps which URLs this run has seen."""

    def __init__(self, frontier: Frontier, robots_recheck: timedelta | None = None) -> None:
        self.frontier = frontier
        self.robots_recheck = robots_recheck or timedelta(seconds=defaults.NEWSARCHIVE_ROBOTS_RECHECK)
        self.seen: set[str] = set()  # canonical URLs discovered this run (all sources)
        self.admitted: Counter[str] = Counter()  # new URLs admitted per source (max_urls)
        # Registrable domains of the section-page links left for being on another site.
        self.offsite: dict[str, Counter[str]] = {}

    def admit(
        self,
        source: Source,
        entries: Sequence[Discovered],
        counts: Counter[str],
        found_on: str | None = None,
    ) -> list[tuple[str, Discovered]]:
        """The new URLs to fetch, in document order, with their entries; counts say why others were left.

        `found_on` is the section page the links were read from (None for
        feed and sitemap entries, which are taken on any host).
        """
        oldest = datetime.now(UTC) - source.max_age if source.max_age else None
        fresh: dict[str, Discovered] = {}
        for entry in entries:
            try:
                url = canonical_url(entry.url)
            except BadURL:
                counts["bad_url"] += 1
                continue
            if found_on is not None and not same_family(url, found_on, source.hosts):
                counts["offsite"] += 1
                domain = registrable_domain(url_host(url))
                self.offsite.setdefault(source.name, Counter())[domain] += 1
                continue
            if not source.url_allowed(url) or looks_like_listing(url):
                counts["filtered"] += 1
                continue
            newest = entry.newest_date
            if oldest is not None and newest is not None and newest < oldest:
                counts["too_old"] += 1
                continue
            if url in self.seen or url in fresh:
                continue
            fresh[url] = entry
        self.seen.update(fresh)
        archived = self.frontier.archived(list(fresh))
        counts["discovered"] += len(fresh)
        counts["already_archived"] += len(archived)
        if archived:
            counts["declared_changed"] += self._refresh_declared({u: fresh[u] for u in archived})
        new = [url for url in fresh if url not in archived]
        since = datetime.now(UTC) - self.robots_recheck
        refused = self.frontier.recently_refused(new, ROBOTS_REASON, since)
        if refused:
            counts["robots_skipped"] += len(refused)
            new = [url for url in new if url not in refused]
        if source.max_urls is not None:
            room = max(0, source.max_urls - self.admitted[source.name])
            counts["over_limit"] += max(0, len(new) - room)
            new = new[:room]
        self.admitted[source.name] += len(new)
        return [(url, fresh[url]) for url in new]

    def _refresh_declared(self, entries: dict[str, Discovered]) -> int:
        """What the feed now says about archived URLs is kept (a changed title is an edit signal)."""
        records = {url: declared_record(entry_hints(e)) for url, e in entries.items()}
        kept = {url: r for url, r in records.items() if r is not None}
        try:
            return refresh_declared(self.frontier.sessions, kept, datetime.now(UTC))
        except SQLAlchemyError as exc:  # metadata only: never worth failing discovery for
            log.warning("declared metadata of %d archived URLs not kept: %s", len(kept), exc)
            return 0


def why_nothing(counts: Counter[str], offsite: Counter[str] | None = None) -> str | None:
    """Why a source whose discovery found links archived none, or None when it did (or found none).

    Links left only because an earlier run archived them, or because another
    source of this run listed them first, are no failure.
    """
    if counts["discovered"] or counts["fetched"]:
        return None
    reasons = []
    if counts["offsite"]:
        domains = [d for d, _ in (offsite or Counter()).most_common(MAX_SUGGESTED_HOSTS)]
        suggestion = json.dumps(domains) if domains else "[...]"
        reasons.append(f"{counts['offsite']} links on other sites: add hosts = {suggestion}")
    if counts["filtered"]:
        reasons.append(f"{counts['filtered']} links refused by allow/deny or listing pages")
    if counts["too_old"]:
        reasons.append(f"{counts['too_old']} entries older than max_age")
    if counts["bad_url"]:
        reasons.append(f"{counts['bad_url']} unusable URLs")
    return "; ".join(reasons) or None


def describe_rule(source: Source) -> str:
    """The admission rule for one source in a sentence (`sources check`)."""
    parts = []
    if source.feeds or source.sitemaps:
        parts.append("feed and sitemap entries on any host")
    if source.pages:
        sites = sorted({registrable_domain(url_host(u)) for u in source.pages})
        extra = f" and {', '.join(source.hosts)}" if source.hosts else " (add others with hosts = [...])"
        parts.append(f"section-page links on {', '.join(sites)}{extra}")
    elif source.hosts:
        parts.append(
            f"hosts {', '.join(source.hosts)} (only used for section-page links; this source has none)"
        )
    limits = []
    if source.allow or source.deny:
        limits.append("allow/deny")
    if source.max_age:
        limits.append(f"max_age {source.max_age}")
    if source.max_urls:
        limits.append(f"max_urls {source.max_urls}")
    rule = "; ".join(parts)
    return rule + "; then " + ", ".join([*limits, "robots.txt of each host"])


def entry_hints(entry: Discovered) -> dict[str, Any]:
    """What the feed or sitemap said about an admitted URL, carried with its request to the archive."""
    hints: dict[str, Any] = {"via": entry.via, **entry.hints}
    if entry.title:
        hints["title"] = entry.title
    if entry.published:
        hints["published"] = entry.published.isoformat()
    if entry.modified:
        hints["modified"] = entry.modified.isoformat()
    return hints


def source_headers(source: Source) -> dict[str, str]:
    """Request headers of a source's fetches, the same from every spider."""
    # A multilingual site picks the edition by Accept-Language; ask for the source's.
    return {"Accept-Language": source.language} if source.language else {}
