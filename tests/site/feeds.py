"""Discovery documents built from the current article set: feeds, sitemaps, robots.txt, listings."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from html import escape

from tests.site.pages import SITE_NAME, ArticleSpec, article_template, furniture_html, insert_furniture

ROBOTS_DISALLOW = ("/private/", "/_control/")


def _x(text: str) -> str:
    return escape(text, quote=True)


def robots_txt(base: str) -> str:
    lines = [
        "User-agent: *",
        *(f"Disallow: {p}" for p in ROBOTS_DISALLOW),
        "",
        f"Sitemap: {base}/sitemap-index.xml",
    ]
    return "\n".join(lines) + "\n"


def rss(arts: Sequence[ArticleSpec], base: str) -> str:
    items = "".join(
        f"<item><title>{_x(a.title)}</title><link>{base}{a.path}</link>"
        f'<guid isPermaLink="true">{base}{a.path}</guid><pubDate>{format_datetime(a.published)}</pubDate>'
        f"<dc:creator>{_x(a.author)}</dc:creator><category>{_x(a.section)}</category>"
        f"<description>{_x(a.lead)}</description></item>\n"
        for a in arts
    )
    built = format_datetime(max((a.modified for a in arts), default=_EPOCH))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom"><channel>\n'
        f"<title>{SITE_NAME}</title><link>{base}/</link><description>Test news site</description>"
        f"<language>en</language><lastBuildDate>{built}</lastBuildDate>"
        f'<atom:link href="{base}/rss.xml" rel="self" type="application/rss+xml"/>\n'
        f"{items}</channel></rss>\n"
    )


_EPOCH = datetime.fromisoformat("2020-01-01T00:00:00+00:00")


def atom(arts: Sequence[ArticleSpec], base: str) -> str:
    entries = "".join(
        f"<entry><id>{base}{a.path}</id><title>{_x(a.title)}</title>"
        f'<link rel="alternate" type="text/html" href="{base}{a.path}"/>'
        f"<published>{a.published.isoformat()}</published><updated>{a.modified.isoformat()}</updated>"
        f'<author><name>{_x(a.author)}</name></author><category term="{_x(a.section)}"/>'
        f"<summary>{_x(a.lead)}</summary></entry>\n"
        for a in arts
    )
    updated = max((a.modified for a in arts), default=_EPOCH).isoformat()
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"<id>{base}/</id><title>{SITE_NAME}</title><updated>{updated}</updated>"
        f'<link rel="self" href="{base}/atom.xml"/><link rel="alternate" href="{base}/"/>\n{entries}</feed>\n'
    )


def json_feed(arts: Sequence[ArticleSpec], base: str) -> str:
    items = [
        {
            "id": base + a.path,
            "url": base + a.path,
            "title": a.title,
            "summary": a.lead,
            "date_published": a.published.isoformat(),
            "date_modified": a.modified.isoformat(),
            "authors": [{"name": a.author, "url": f"{base}/author/{a.author_slug}/"}],
            "tags": list(a.tags),
        }
        for a in arts
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": SITE_NAME,
        "home_page_url": base + "/",
        "feed_url": base + "/feed.json",
        "items": items,
    }
    return json.dumps(feed, indent=1, ensure_ascii=False) + "\n"


_URLSET = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def sitemap(arts: Sequence[ArticleSpec], base: str) -> str:
    urls = "".join(
        f"<url><loc>{base}{a.path}</loc><lastmod>{a.modified.isoformat()}</lastmod></url>\n" for a in arts
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{_URLSET}>\n{urls}</urlset>\n'


def news_sitemap(arts: Sequence[ArticleSpec], base: str) -> str:
    urls = "".join(
        f"<url><loc>{base}{a.path}</loc><news:news><news:publication><news:name>{SITE_NAME}</news:name>"
        "<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{a.published.isoformat()}</news:publication_date>"
        f"<news:title>{_x(a.title)}</news:title></news:news></url>\n"
        for a in arts
    )
    ns = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{_URLSET} {ns}>\n{urls}</urlset>\n'


def sitemap_index(arts: Sequence[ArticleSpec], base: str) -> str:
    last = max((a.modified for a in arts), default=_EPOCH).isoformat()
    maps = "".join(
        f"<sitemap><loc>{base}/{name}</loc><lastmod>{last}</lastmod></sitemap>\n"
        for name in ("sitemap.xml", "news-sitemap.xml")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{maps}</sitemapindex>\n'
    )


def listing_page(
    title: str, arts: Sequence[ArticleSpec], furniture: str, *, page_type: str = "section"
) -> str:
    """Home, section, tag and author pages: links to articles, never articles themselves."""
    links = "".join(
        f'<li class="teaser"><a href="{a.path}">{_x(a.title)}</a> '
        f'<span class="section">{_x(a.section)}</span> '
        f'<a class="author" href="/author/{a.author_slug}/">{_x(a.author)}</a></li>\n'
        for a in arts
    )
    tags = sorted({t for a in arts for t in a.tags})
    tag_links = " ".join(f'<a href="/tag/{t}/">#{t}</a>' for t in tags)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_x(title)} | {SITE_NAME}</title>
<meta property="og:type" content="website"><link rel="alternate" type="application/rss+xml" href="/rss.xml">
<link rel="alternate" type="application/atom+xml" href="/atom.xml"></head>
<body class="{page_type}"><header><nav><a href="/">Home</a> <a href="/world/">World</a>
<a href="/business/">Business</a></nav></header>
<main><h1>{_x(title)}</h1><ul class="teasers">
{links}</ul><p class="tags">{tag_links}</p></main></body></html>
"""
    return insert_furniture(page, furniture)


PRIVATE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Secret memo | Local News</title></head>
<body><article><h1>Secret memo</h1><p>This page is disallowed by robots.txt. A polite crawler
never fetches it, so its presence in an archive is a bug.</p></article></body></html>
"""

_WORDS = (
    "council",
    "budget",
    "minister",
    "market",
    "river",
    "election",
    "school",
    "hospital",
    "report",
    "police",
    "court",
    "harbour",
    "weather",
    "energy",
    "union",
    "bank",
    "housing",
    "transport",
    "festival",
    "museum",
    "climate",
    "farmers",
    "tariff",
)


def generated_article(n: int, base: str) -> str:
    """A cheap synthetic article for bulk crawls (/gen/<n>.html): unique, deterministic."""
    rnd = random.Random(n)
    title = f"Report {n}: " + " ".join(rnd.choice(_WORDS) for _ in range(6)).capitalize()
    paras = [
        " ".join(rnd.choice(_WORDS) for _ in range(40)).capitalize() + f" (item {n}, paragraph {i})."
        for i in range(5)
    ]
    page = article_template(
        f"/gen/{n}.html", title, paras, author="Wire Service", published=_EPOCH, section="world"
    ).replace("__BASE__", base)
    return insert_furniture(page, furniture_html(n))
