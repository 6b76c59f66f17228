"""How far a source's sitemap indexes may fan out: depth, count, and host.

A sitemap index lists child sitemaps, which may be indexes again. Followed
blindly, one index with nested children sends hundreds of requests in
seconds (or points the crawl at another site's sitemaps). Per source and
run, children are followed only

- on the site of the document that lists them (the same registrable domain
  as the index or robots.txt, or a host the source names in `hosts`; the
  sitemap protocol allows nothing else): a child elsewhere is counted as
  `sitemaps_offsite` and never fetched; robots.txt `Sitemap:` lines are
  children of the robots.txt they are read from),
- down to NEWSARCHIVE_SITEMAP_MAX_DEPTH levels below the sitemap the source
  names (`sitemaps_too_deep`),
- up to NEWSARCHIVE_SITEMAP_MAX_DOCUMENTS child sitemaps in all
  (`sitemaps_over_limit`); the sitemaps the sources file names are not counted.

Pure bookkeeping: the spiders ask `follow` which children to request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newsarchive.crawler.crawl import settings as defaults
from newsarchive.crawler.crawl.discovery.sites import same_family

# An index of sitemaps of articles is the deepest a news site needs (2: index,
# index, sitemap); 50 child sitemaps a run covers a news sitemap index many
# times over (news sitemaps hold two days of articles).
DEFAULT_MAX_DEPTH: int = defaults.NEWSARCHIVE_SITEMAP_MAX_DEPTH
DEFAULT_MAX_DOCUMENTS: int = defaults.NEWSARCHIVE_SITEMAP_MAX_DOCUMENTS


@dataclass
class SitemapBudget:
    max_depth: int = DEFAULT_MAX_DEPTH
    max_documents: int = DEFAULT_MAX_DOCUMENTS
    _followed: Counter[str] = field(default_factory=Counter)

    def follow(
        self,
        source: str,
        parent_url: str,
        named_hosts: Iterable[str],
        depth: int,
        children: Iterable[str],
        counts: Counter[str],
    ) -> list[tuple[str, int]]:
        """(url, depth) of the children of the document at parent_url (at `depth`) to request.

        The others are counted in `counts`, by why they were left.
        """
        hosts = tuple(named_hosts)
        chosen: list[tuple[str, int]] = []
        for child in children:
            if not same_family(child, parent_url, hosts):
                counts["sitemaps_offsite"] += 1
            elif depth + 1 > self.max_depth:
                counts["sitemaps_too_deep"] += 1
            elif self._followed[source] >= self.max_documents:
                counts["sitemaps_over_limit"] += 1
            else:
                self._followed[source] += 1
                chosen.append((child, depth + 1))
        return chosen


def sitemap_budget(settings: Any) -> SitemapBudget:
    """The budget a crawl's settings ask for (a Scrapy Settings, or anything with getint)."""
    return SitemapBudget(
        max_depth=max(
            0, settings.getint("NEWSARCHIVE_SITEMAP_MAX_DEPTH", defaults.NEWSARCHIVE_SITEMAP_MAX_DEPTH)
        ),
        max_documents=max(
            0,
            settings.getint("NEWSARCHIVE_SITEMAP_MAX_DOCUMENTS", defaults.NEWSARCHIVE_SITEMAP_MAX_DOCUMENTS),
        ),
    )
