"""A local news site for tests: real article pages, feeds, sitemaps, edits and faults.

    from tests.site import NewsSite
    with NewsSite() as site:                 # or the pytest fixture `news_site`
        site.url("/rss.xml"); site.edit_headline(site.articles[0].slug, "New title")

`news_site_process` (or SiteProcess()) runs it as `python -m tests.site --port 0 --print-url`
and drives it through the control endpoint POST /_control/<op>; same API (SiteAPI).

Paths: / (home)  /world/ /business/ (sections)  /tag/<tag>/  /author/<author-slug>/
  /YYYY/MM/DD/<slug>.html (articles: ETag, Last-Modified, 304s)  /gen/<n>.html (synthetic, bulk)
  /rss.xml /atom.xml /feed.json /sitemap.xml /news-sitemap.xml /sitemap-index.xml
  /robots.txt (Disallow: /private/ and /_control/; Sitemap: .../sitemap-index.xml)
  /private/secret.html (robots-disallowed)  /fault/<name> (see faults.FAULTS)
  /walls/<name> (consent wall, paywall teaser, bot challenge, login wall, soft 404, error page,
  and a page that is the article on some fetches and a consent wall on others; see walls.WALL_ROUTES)

Several sites with real host names (feeds., www., a bare domain, a CDN, a
feed on another domain, the README example sources' hosts) on one port:
`NewsWeb` (tests.site.web, fixture `news_web`; what each host serves is in
tests.site.families), resolved to 127.0.0.1 by tests.site.resolver, which a
crawl only uses when a test passes `*web.resolver_args()`.
"""

from tests.site.api import SiteAPI
from tests.site.faults import FAULTS
from tests.site.pages import ArticleSpec
from tests.site.remote import RemoteNewsSite, SiteProcess
from tests.site.server import NewsSite
from tests.site.state import RequestRecord

__all__ = ["FAULTS", "ArticleSpec", "NewsSite", "RemoteNewsSite", "RequestRecord", "SiteAPI", "SiteProcess"]
