"""Article pages of the test site: real stored pages plus synthetic ones, and their edits.

An article is rendered from its source HTML (a gzipped real page, or a small
template) by: rewriting the original site's URLs to the local site, applying
headline and body edits, and inserting page furniture. Rendering is pure: the
same article state always gives the same bytes.
"""

from __future__ import annotations

import copy
import gzip
import html
import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

FIXTURES = Path(__file__).parent / "fixtures"
SITE_NAME = "Local News"
_BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ArticleSpec:
    """A snapshot of one article's public facts (what a crawler should find)."""

    slug: str
    path: str
    url: str
    section: str
    title: str
    author: str
    tags: tuple[str, ...]
    published: datetime
    modified: datetime
    lead: str  # the start of the article's first body paragraph (a must-contain snippet)
    status: int = 200  # 404 or 410 once deleted
    version: int = 0  # bumped by each content edit (headline or body)
    fixture: str | None = None  # stored real page this article serves, None when synthetic
    original_url: str | None = None

    @property
    def author_slug(self) -> str:
        return slugify(self.author)

    def to_json(self) -> dict[str, object]:
        d = self.__dict__.copy()
        d["tags"] = list(self.tags)
        d["published"] = self.published.isoformat()
        d["modified"] = self.modified.isoformat()
        return d

    @classmethod
    def from_json(cls, d: dict[str, object]) -> ArticleSpec:
        d = dict(d)
        d["tags"] = tuple(d["tags"])  # type: ignore[arg-type]
        d["published"] = datetime.fromisoformat(str(d["published"]))
        d["modified"] = datetime.fromisoformat(str(d["modified"]))
        return cls(**d)  # type: ignore[arg-type]


@dataclass
class Article:
    """Mutable state of one article; the site owns these, under its lock."""

    spec: ArticleSpec
    source: str  # HTML before rewriting and edits
    original_title: str
    lead_anchor: str  # the start of the first body paragraph, as stored
    last_anchor: str  # the start of the last body paragraph, as stored
    body_edits: list[tuple[str, str]] = field(default_factory=list)  # (mode, text)
    furniture: int = 0
    cache: dict[str, bytes] = field(default_factory=dict)  # base_url -> rendered bytes


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@cache
def _read_fixture(name: str) -> str:
    return gzip.decompress((FIXTURES / name).read_bytes()).decode("utf-8")


def load_fixture_articles() -> list[Article]:
    """The stored real pages listed in fixtures/index.json, as fresh article states."""
    index = json.loads((FIXTURES / "index.json").read_text(encoding="utf-8"))
    articles = []
    for row in index:
        published = datetime.fromisoformat(row["published"])
        spec = ArticleSpec(
            slug=row["slug"],
            path=row["path"],
            url="",
            section=row["section"],
            title=row["title"],
            author=row["author"],
            tags=tuple(row["tags"]),
            published=published,
            modified=published,
            lead=row["lead"],
            fixture=row["fixture"],
            original_url=row["original_url"],
        )
        source = _read_fixture(row["fixture"])
        articles.append(Article(spec, source, row["title"], row["lead"], row["last"]))
    return articles


def synthetic_article(
    slug: str,
    title: str,
    paragraphs: list[str],
    *,
    section: str = "world",
    author: str = "Jane Reporter",
    tags: tuple[str, ...] = (),
    published: datetime | None = None,
) -> Article:
    """A small, clean article page built from a template (for add_article)."""
    published = published or _BASE_TIME
    path = f"/{published:%Y/%m/%d}/{slug}.html"
    source = article_template(path, title, paragraphs, author=author, published=published, section=section)
    spec = ArticleSpec(
        slug=slug,
        path=path,
        url="",
        section=section,
        title=title,
        author=author,
        tags=tuple(tags),
        published=published,
        modified=published,
        lead=paragraphs[0][:60],
    )
    return Article(spec, source, title, paragraphs[0][:60], paragraphs[-1][:60])


def article_template(
    path: str, title: str, paragraphs: list[str], *, author: str, published: datetime, section: str
) -> str:
    """A plain news article page; __BASE__ becomes the site's base URL when served."""
    t = html.escape(title)
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": published.isoformat(),
            "author": {"@type": "Person", "name": author},
        }
    ).replace("</", "<\\/")
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{t} | {SITE_NAME}</title>
<link rel="canonical" href="__BASE__{path}"><meta property="og:title" content="{t}">
<meta property="og:url" content="__BASE__{path}"><meta name="author" content="{html.escape(author)}">
<meta property="article:published_time" content="{published.isoformat()}">
<script type="application/ld+json">{ld}</script></head>
<body><header><nav><a href="/">Home</a> <a href="/world/">World</a>
<a href="/business/">Business</a></nav></header>
<main><article><h1>{t}</h1>
<p class="byline">By <a href="/author/{slugify(author)}/">{html.escape(author)}</a>,
<time datetime="{published.isoformat()}">{published:%d %B %Y}</time>
in <a href="/{section}/">{section}</a></p>
{body}
</article></main></body></html>
"""


def furniture_html(counter: int, site_counter: int = 0) -> str:
    """Page furniture an extractor must not keep; every counter value gives different bytes."""
    n = counter + 1000 * site_counter
    stamp = _BASE_TIME + timedelta(minutes=7 * n)
    most_read = ["Markets rally", "Storm warning", "Council vote", "Transfer news", "Weekend recipes"]
    k = n % len(most_read)
    items = "".join(f'<li><a href="/world/">{x}</a></li>' for x in most_read[k:] + most_read[:k])
    return (
        f'<aside class="sidebar"><h3>Most read</h3><ul>{items}</ul>'
        f'<p class="weather">Weather: {12 + n % 17}°C, wind {3 + n % 9} km/h</p></aside>\n'
        f'<div class="ad-slot" data-slot="{n}">Advertisement: campaign #{4000 + n}</div>\n'
        f'<div class="comments-count">{17 + 3 * n} comments</div>\n'
        f'<footer class="site-footer"><p>Page generated at {stamp:%Y-%m-%d %H:%M:%S} UTC</p>'
        f"<p>&copy; {SITE_NAME}</p></footer>\n"
    )


def insert_furniture(page: str, furniture: str) -> str:
    i = page.lower().rfind("</body>")
    return page + furniture if i < 0 else page[:i] + furniture + page[i:]


def _rewrite_urls(source: str, original_url: str | None, local_url: str, base_url: str) -> str:
    """Point the original site's links, canonical and og:url at the local site."""
    if not original_url:
        return source
    parts = urlsplit(original_url)
    no_query = original_url.split("?")[0]
    variants = {original_url, html.escape(original_url), no_query}
    variants |= {v.rstrip("/") for v in variants if v.endswith("/")}
    for v in sorted(variants, key=len, reverse=True):
        source = re.sub(re.escape(v) + r"(?=[\"'\s<>#?])", local_url, source)
        escaped = v.replace("/", "\\/")
        source = re.sub(re.escape(escaped) + r"(?=[\"'\s<>#?])", local_url.replace("/", "\\/"), source)
    host = re.escape(parts.hostname.removeprefix("www.")) if parts.hostname else ""
    pattern = r"(?:https?:)?(//|\\/\\/)(?:www\.)?" + host + r"(?![\w.-])"

    def sub(m: re.Match[str]) -> str:
        return base_url.replace("/", "\\/") if m.group(1) == "\\/\\/" else base_url

    return re.sub(pattern, sub, source)


def _set_text(el: lxml.html.HtmlElement, text: str) -> None:
    for child in list(el):
        el.remove(child)
    el.text = text


def _sub_title(value: str, old: str, new: str) -> str:
    return value.replace(old, new) if old and old in value else new


def _edit_json_ld(node: object, old: str, new: str) -> object:
    if isinstance(node, dict):
        return {
            k: (new if k == "headline" or (k == "name" and v == old) else _edit_json_ld(v, old, new))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_edit_json_ld(v, old, new) for v in node]
    return node


def _norm(text: str) -> str:
    return " ".join(text.split())


def _apply_edits(doc: lxml.html.HtmlElement, art: Article) -> None:
    old, new = art.original_title, art.spec.title
    if new != old:
        for t in doc.iter("title"):
            t.text = _sub_title(t.text or "", old, new)
        for meta in doc.iter("meta"):
            key = meta.get("property") or meta.get("name") or ""
            if key in ("og:title", "twitter:title", "title", "sailthru.title", "parsely-title"):
                meta.set("content", _sub_title(meta.get("content", ""), old, new))
        h1s = list(doc.iter("h1"))
        target = next((h for h in h1s if _norm(old) in _norm(h.text_content())), h1s[0] if h1s else None)
        if target is not None:
            _set_text(target, new)
        for script in doc.iter("script"):
            if (script.get("type") or "").lower() == "application/ld+json" and script.text:
                try:
                    data = json.loads(script.text)
                except ValueError:
                    continue
                script.text = json.dumps(_edit_json_ld(data, old, new), ensure_ascii=False).replace(
                    "</", "<\\/"
                )
    if not art.body_edits:
        return
    paras = [p for p in doc.iter("p") if _norm(p.text_content()).startswith(_norm(art.lead_anchor)[:50])]
    lasts = [p for p in doc.iter("p") if _norm(p.text_content()).startswith(_norm(art.last_anchor)[:50])]
    if not paras or not lasts:
        raise RuntimeError(f"cannot find the body paragraphs of {art.spec.slug}")
    lead, last = paras[0], lasts[-1]
    for mode, text in art.body_edits:
        if mode == "replace":
            _set_text(lead, text)
        else:
            p = copy.copy(last)
            _set_text(p, text)
            p.tail = "\n"
            last.addnext(p)
            last = p


def render_article(art: Article, base_url: str, site_furniture: int = 0) -> bytes:
    """The article page as served: URLs local, edits applied, furniture in place."""
    local_url = base_url + art.spec.path
    page = _rewrite_urls(art.source, art.spec.original_url, local_url, base_url).replace("__BASE__", base_url)
    if art.spec.title != art.original_title or art.body_edits:
        doc = lxml.html.document_fromstring(page)
        _apply_edits(doc, art)
        doctype = doc.getroottree().docinfo.doctype or "<!DOCTYPE html>"
        page = doctype + "\n" + lxml.html.tostring(doc, encoding="unicode")
    page = insert_furniture(page, furniture_html(art.furniture, site_furniture))
    return page.encode("utf-8")


def with_spec(art: Article, **changes: object) -> None:
    art.spec = replace(art.spec, **changes)  # type: ignore[arg-type]
    art.cache.clear()
