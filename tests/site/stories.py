"""Articles of the local news web (tests.site.web): deterministic pages in several languages and charsets.

Each story knows its host and path; `page()` renders it with absolute
canonical and og:url links, encoded in the story's own charset and
declared in a <meta charset>, as real sites do.
"""

from __future__ import annotations

import html
import json
import random
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from tests.site.feeds import _WORDS

_WHEN = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)

# Words of the non-English pages, so each page really is in its language
# (and its charset has characters ASCII cannot hold).
_LANGUAGE_WORDS = {
    "de": ("Hafenbrücke", "Bürgermeister", "Straßenbahn", "Öffnung", "Gemeinderat", "Übergang", "Größe"),
    "fr": ("élection", "député", "marché", "hôpital", "sécurité", "réforme", "été", "forêt"),
    "ja": ("港", "橋", "再開", "市長", "工事", "交通", "住民", "発表"),
}


@dataclass(frozen=True)
class Story:
    host: str
    path: str
    title: str
    section: str = "world"
    lang: str = "en"
    charset: str = "utf-8"
    published: datetime = _WHEN
    keywords: tuple[str, ...] = ()
    genres: str = ""
    seed: int = 0
    # A wire story carries the same text on every site that runs it (its seed).
    paragraphs: tuple[str, ...] = field(default=(), compare=False)

    def text(self) -> list[str]:
        if self.paragraphs:
            return list(self.paragraphs)
        rnd = random.Random(self.seed or zlib.crc32(f"{self.host}{self.path}".encode()))
        words = _LANGUAGE_WORDS.get(self.lang, _WORDS)
        sep = "" if self.lang == "ja" else " "
        end = "。" if self.lang == "ja" else "."
        return [
            sep.join(rnd.choice(words) for _ in range(45)).capitalize() + f" ({self.title[:20]}, {i}){end}"
            for i in range(5)
        ]

    def page(self, origin: str, canonical: str | None = None, variant: str = "") -> bytes:
        """The article page; `canonical` (absolute) when this copy is an AMP or print variant."""
        t = html.escape(self.title)
        own = canonical or origin + self.path
        ld = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": self.title,
                "datePublished": self.published.isoformat(),
                "inLanguage": self.lang,
            },
            ensure_ascii=False,
        ).replace("</", "<\\/")
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in self.text())
        amp = " amp" if variant == "amp" else ""
        page = f"""<!DOCTYPE html>
<html lang="{self.lang}"{amp}><head><meta charset="{self.charset}"><title>{t}</title>
<link rel="canonical" href="{own}"><meta property="og:url" content="{own}">
<meta property="og:title" content="{t}"><meta property="article:published_time" content="{self.published.isoformat()}">
<script type="application/ld+json">{ld}</script></head>
<body class="{variant or "article"}"><header><nav><a href="/">Home</a> <a href="/world/">World</a></nav></header>
<main><article><h1>{t}</h1><p class="byline">By Staff Reporter,
<time datetime="{self.published.isoformat()}">{self.published:%d %B %Y}</time></p>
{body}
<img src="http://cdn.example-news.test/img/{zlib.crc32(self.path.encode()) % 1000}.jpg" alt="">
</article></main></body></html>
"""
        return page.encode(self.charset, errors="xmlcharrefreplace")

    @property
    def content_type(self) -> str:
        return f"text/html; charset={self.charset}"


def _x(text: str) -> str:
    return html.escape(text, quote=False)


def rss(title: str, link: str, items: list[tuple[str, Story]]) -> str:
    """RSS 2.0 of (absolute URL, story): title, categories and publication date per item."""
    entries = "".join(
        f"<item><title>{_x(s.title)}</title><link>{url}</link><guid>{url}</guid>"
        f"<pubDate>{format_datetime(s.published)}</pubDate>"
        + "".join(f"<category>{_x(c)}</category>" for c in (s.section, *s.keywords))
        + "</item>\n"
        for url, s in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{_x(title)}</title><link>{link}</link><description>{_x(title)}</description>\n"
        f"{entries}</channel></rss>\n"
    )


def news_sitemap(name: str, items: list[tuple[str, Story]]) -> str:
    """A Google News sitemap with every news: field a publisher declares."""
    urls = "".join(
        f"<url><loc>{url}</loc><news:news><news:publication><news:name>{_x(name)}</news:name>"
        f"<news:language>{s.lang}</news:language></news:publication>"
        + (f"<news:genres>{_x(s.genres)}</news:genres>" if s.genres else "")
        + f"<news:publication_date>{s.published.isoformat()}</news:publication_date>"
        f"<news:title>{_x(s.title)}</news:title>"
        + (f"<news:keywords>{_x(', '.join(s.keywords))}</news:keywords>" if s.keywords else "")
        + "</news:news></url>\n"
        for url, s in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{urls}</urlset>\n"
    )


def section_page(title: str, links: list[tuple[str, str]]) -> str:
    """A section page: (href, text) teasers plus the navigation every page has."""
    items = "".join(f'<li><a href="{href}">{_x(text)}</a></li>\n' for href, text in links)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_x(title)}</title></head>
<body class="section"><nav><a href="/">Home</a> <a href="/world/">World</a> <a href="/tag/harbour/">Harbour</a>
<a href="/about/contact-us-here-now">Contact</a></nav>
<main><h1>{_x(title)}</h1><ul>
{items}</ul></main></body></html>
"""
