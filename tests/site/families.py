"""What each host of the local news web serves: site families as big publishers run them.

Example News (example-news.test): articles on www; the bare domain
redirects to www; the RSS feed on feeds.example-news.test; images on a
CDN host; a news sitemap with every news: field; an article moved by 301
to a new slug; AMP and print copies whose canonical is the article; a
section page that also links to a partner site's story.

The Other Paper (other-paper.test): articles in English, German
(ISO-8859-1) and Japanese (Shift_JIS); its feed on another registrable
domain (feeds.paper-syndication.test); one wire story it shares with
Example News, word for word.

robots.txt differs on every host. The README example sources' hosts
(tests.site.hosts.EXAMPLE_HOSTS) serve the same shapes under their own paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.site import hosts as H
from tests.site.response import Response, text
from tests.site.stories import Story, news_sitemap, rss, section_page

RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
PLAIN = "text/plain; charset=utf-8"
WIRE = tuple(
    f"Storm wire paragraph {i}: coastal towns braced for the strongest storm in a decade as "
    "forecasters warned of flooding, closed ferries and power cuts along the shore." * 2
    for i in range(5)
)


@dataclass
class HostSite:
    """One host: fixed routes by path, and what every other path gets."""

    routes: dict[str, Response] = field(default_factory=dict)
    fallback: Callable[[str], Response] | None = None


def _robots(*disallow: str, sitemap: str | None = None) -> Response:
    lines = ["User-agent: *", *(f"Disallow: {p}" for p in disallow)]
    if sitemap:
        lines += ["", f"Sitemap: {sitemap}"]
    return text("\n".join(lines) + "\n", content_type=PLAIN)


def _moved(location: str, status: int = 301) -> Response:
    return Response(status, b"", None, {"Location": location})


def _serve(site: HostSite, origin: str, story: Story) -> None:
    site.routes[story.path] = Response(200, story.page(origin), story.content_type)


# The stories, by host. Expected outcomes live with them so tests read one place.
NEWS = [
    Story(
        H.NEWS_WWW,
        "/2026/11/30/harbour-bridge-reopens-after-repairs.html",
        "Harbour bridge reopens after repairs",
        keywords=("harbour", "transport"),
        genres="PressRelease",
    ),
    Story(
        H.NEWS_WWW,
        "/2026/11/30/council-votes-on-new-budget.html",
        "Council votes on new budget",
        section="politics",
        keywords=("council", "budget"),
    ),
    Story(
        H.NEWS_WWW,
        "/2026/11/29/museum-opens-climate-wing.html",
        "Museum opens climate wing",
        section="culture",
        keywords=("museum",),
    ),
]
NEWS_WIRE = Story(H.NEWS_WWW, "/2026/11/30/storm-hits-coast.html", "Storm hits the coast", paragraphs=WIRE)
NEWS_MOVED_FROM = "/2026/11/30/council-budget-vote-draft.html"  # 301 to NEWS[1]
NEWS_PRIVATE = Story(H.NEWS_WWW, "/private/2026/11/30/internal-memo-on-staffing.html", "Internal memo")
PAPER = [
    Story(
        H.PAPER_WWW,
        "/news/2026/11/30/ferry-service-resumes-on-island-route.html",
        "Ferry service resumes on island route",
        keywords=("ferry",),
    ),
    Story(
        H.PAPER_WWW,
        "/de/2026/11/30/hafenbruecke-wieder-geoeffnet.html",
        "Hafenbrücke wieder geöffnet",
        lang="de",
        charset="iso-8859-1",
        keywords=("Hafen",),
    ),
    Story(
        H.PAPER_WWW,
        "/ja/2026/11/30/minato-hashi-saikai.html",
        "港の橋が再開",
        lang="ja",
        charset="shift_jis",
        keywords=("港",),
    ),
]
PAPER_WIRE = Story(
    H.PAPER_WWW, "/news/2026/11/30/storm-hits-the-coast.html", "Storm hits the coast", paragraphs=WIRE
)


def news_hosts(origin: Callable[[str], str]) -> dict[str, HostSite]:
    """Example News and The Other Paper; origin(host) is "http://host:port"."""
    www, paper = origin(H.NEWS_WWW), origin(H.PAPER_WWW)
    news_items = [(www + s.path, s) for s in (*NEWS, NEWS_WIRE)]
    paper_items = [(paper + s.path, s) for s in (*PAPER, PAPER_WIRE)]
    site = HostSite()
    for story in (*NEWS, NEWS_WIRE, NEWS_PRIVATE):
        _serve(site, www, story)
    amp_of = NEWS[0]
    site.routes["/amp" + amp_of.path] = Response(200, amp_of.page(www, www + amp_of.path, "amp"))
    site.routes["/print" + amp_of.path] = Response(200, amp_of.page(www, www + amp_of.path, "print"))
    site.routes[NEWS_MOVED_FROM] = _moved(www + NEWS[1].path)
    site.routes["/robots.txt"] = _robots("/private/", "/print/", sitemap=www + "/news-sitemap.xml")
    site.routes["/news-sitemap.xml"] = text(news_sitemap("Example News", news_items), content_type=XML)
    site.routes["/world/"] = text(
        section_page(
            "World",
            [
                (NEWS[0].path, NEWS[0].title),
                (www + NEWS_WIRE.path, NEWS_WIRE.title),
                ("/amp" + amp_of.path, "AMP: " + amp_of.title),
                (paper + PAPER[0].path, "Partner: " + PAPER[0].title),  # another site: needs hosts = [...]
                (origin(H.NEWS_CDN) + "/img/1.jpg", "Photo"),
            ],
        )
    )
    site.routes["/partners/"] = text(
        section_page("From our partners", [(paper + s.path, s.title) for s in PAPER])
    )
    feeds = HostSite()
    feeds.routes["/robots.txt"] = _robots("/drafts/")
    # The feed lists the moved slug and the AMP copy, as stale feeds do.
    feed_items = [
        *news_items,
        (www + NEWS_MOVED_FROM, NEWS[1]),
        (www + "/amp" + amp_of.path, amp_of),
        (www + NEWS_PRIVATE.path, NEWS_PRIVATE),
    ]
    feeds.routes["/rss.xml"] = text(rss("Example News", www + "/", feed_items), content_type=RSS)
    feeds.routes["/drafts/rss.xml"] = text(rss("Drafts", www + "/", news_items), content_type=RSS)
    bare = HostSite(fallback=lambda path: _moved(www + path))
    cdn = HostSite(
        routes={"/robots.txt": _robots("/")},
        fallback=lambda path: Response(200, b"\xff\xd8\xff\xe0 not a real jpeg", "image/jpeg"),
    )
    other = HostSite()
    for story in (*PAPER, PAPER_WIRE):
        _serve(other, paper, story)
    other.routes["/robots.txt"] = _robots("/members/")
    other.routes["/world/"] = text(section_page("World", [(s.path, s.title) for s in PAPER]))
    syndication = HostSite(
        routes={
            "/robots.txt": _robots("/private/"),
            "/other-paper.xml": text(rss("The Other Paper", paper + "/", paper_items), content_type=RSS),
        }
    )
    return {
        H.NEWS_WWW: site,
        H.NEWS_BARE: bare,
        H.NEWS_FEEDS: feeds,
        H.NEWS_CDN: cdn,
        H.PAPER_WWW: other,
        H.PAPER_FEEDS: syndication,
    }


# docs/sources.example.toml's feeds: (feed host, feed path, article host, article paths, denied paths)
EXAMPLE_FEEDS = {
    "bbc-world": (
        "feeds.bbci.co.uk",
        "/news/world/rss.xml",
        "www.bbc.co.uk",
        ["/news/articles/c4g7x2e1m9po", "/news/articles/cz0k3l8e5vmo", "/news/world-europe-68211234"],
        ["/news/live/world-68212345", "/news/videos/c9vz1x2y3w4o"],
    ),
    "npr-news": (
        "feeds.npr.org",
        "/1001/rss.xml",
        "www.npr.org",
        [
            "/2026/11/30/nx-s1-5210001/senate-passes-funding-bill",
            "/2026/11/29/nx-s1-5209876/wildfire-season-ends-late",
        ],
        [],
    ),
    "guardian-world": (
        "www.theguardian.com",
        "/world/rss",
        "www.theguardian.com",
        ["/world/2026/nov/30/un-climate-talks-reach-deal", "/world/2026/nov/29/election-results-announced"],
        ["/world/live/2026/nov/30/election-live-updates", "/world/gallery/2026/nov/30/photos-of-the-week"],
    ),
}


def example_hosts(origin: Callable[[str], str]) -> dict[str, HostSite]:
    """The README example sources' hosts: feeds listing articles on the publisher's www host."""
    sites: dict[str, HostSite] = {}
    for name, (feed_host, feed_path, art_host, paths, denied) in EXAMPLE_FEEDS.items():
        feed_site = sites.setdefault(feed_host, HostSite(routes={"/robots.txt": _robots("/private/")}))
        art_site = sites.setdefault(art_host, HostSite(routes={"/robots.txt": _robots("/search/")}))
        stories = [
            Story(art_host, p, f"{name} story {i}: " + p.rsplit("/", 1)[-1].replace("-", " "))
            for i, p in enumerate([*paths, *denied])
        ]
        for story in stories:
            _serve(art_site, origin(art_host), story)
        items = [(origin(art_host) + s.path, s) for s in stories]
        feed_site.routes[feed_path] = text(rss(name, origin(art_host) + "/", items), content_type=RSS)
    return sites
