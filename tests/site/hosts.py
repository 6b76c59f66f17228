"""The host names of the local news web (tests.site.web), all served on 127.0.0.1.

Names under ".test" (reserved, RFC 2606) for the sites of our own; the hosts
of the README's example sources too, so docs/sources.example.toml can be
crawled locally exactly as written (scheme and port aside).
"""

from __future__ import annotations

# Example News: a www host, a feeds host, a bare domain redirecting to www, a CDN.
NEWS_WWW = "www.example-news.test"
NEWS_BARE = "example-news.test"
NEWS_FEEDS = "feeds.example-news.test"
NEWS_CDN = "cdn.example-news.test"
# The Other Paper: articles on www, its feed on another registrable domain.
PAPER_WWW = "www.other-paper.test"
PAPER_FEEDS = "feeds.paper-syndication.test"

NEWS_HOSTS = frozenset({NEWS_WWW, NEWS_BARE, NEWS_FEEDS, NEWS_CDN, PAPER_WWW, PAPER_FEEDS})

# docs/sources.example.toml's hosts: a feeds host on another registrable domain
# (bbci.co.uk for bbc.co.uk), a feeds subdomain (npr.org), one host (the Guardian).
EXAMPLE_HOSTS = frozenset(
    {"feeds.bbci.co.uk", "www.bbc.co.uk", "feeds.npr.org", "www.npr.org", "www.theguardian.com"}
)

ALL_HOSTS = NEWS_HOSTS | EXAMPLE_HOSTS
