"""The site's mutable state and its routes: what each request gets, given the edits so far."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import Counter, deque
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

from tests.site import feeds
from tests.site.faults import fault
from tests.site.pages import (
    Article,
    ArticleSpec,
    furniture_html,
    load_fixture_articles,
    render_article,
    with_spec,
)
from tests.site.response import Response, text
from tests.site.walls import wall

XML = "application/xml; charset=utf-8"
DOCS = {
    "/robots.txt",
    "/rss.xml",
    "/atom.xml",
    "/feed.json",
    "/sitemap.xml",
    "/news-sitemap.xml",
    "/sitemap-index.xml",
    "/",
    "/private/secret.html",
}


class RequestRecord(NamedTuple):
    method: str
    path: str  # the request target as sent, query string included
    headers: dict[str, str]


class SiteState:
    """Articles, edits, overrides and the request log; every method is thread-safe."""

    def __init__(self, *, fixtures: bool = True, max_log: int = 100_000) -> None:
        self.lock = threading.RLock()
        self.closing = threading.Event()
        self.released = threading.Event()  # opens /fault/held (the "release" control operation)
        self.base_url = ""
        self.articles: dict[str, Article] = {}
        self.paths: dict[str, Article] = {}
        self.routes: dict[str, Response] = {}
        self.log: deque[RequestRecord] = deque(maxlen=max_log)  # the newest max_log requests
        self.target_counts: Counter[str] = Counter()  # exact, however long the log
        self.path_counts: Counter[str] = Counter()
        self.fault_hits: Counter[str] = Counter()
        self.site_furniture = 0
        # Headline A/B tests: slug -> (headlines, requests served so far); each
        # request of the article gets the next headline in turn.
        self.headline_tests: dict[str, tuple[list[str], int]] = {}
        self.changed = datetime(2020, 1, 1, tzinfo=UTC)  # Last-Modified of feeds, sitemaps, listings
        for art in load_fixture_articles() if fixtures else []:
            self.add(art)

    # -- edits -----------------------------------------------------------------------

    def article(self, slug: str) -> Article:
        try:
            return self.articles[slug]
        except KeyError:
            raise KeyError(f"no article {slug!r}; have {sorted(self.articles)}") from None

    def _touch(self, art: Article, **changes: object) -> None:
        with_spec(art, modified=_after(art.spec.modified), version=art.spec.version + 1, **changes)
        self.changed = max(self.changed, art.spec.modified)

    def _site_changed(self) -> None:
        self.changed = _after(self.changed)

    def edit_headline(self, slug: str, title: str) -> None:
        with self.lock:
            self._touch(self.article(slug), title=title)

    def start_headline_test(self, slug: str, titles: list[str]) -> None:
        """Serve `titles` in turn, one a request, as a publisher testing headlines does ([] ends it)."""
        with self.lock:
            self.article(slug)
            if titles:
                self.headline_tests[slug] = (list(titles), 0)
            else:
                self.headline_tests.pop(slug, None)

    def edit_body(self, slug: str, text: str | None, mode: str) -> str:
        if mode not in ("append", "replace"):
            raise ValueError("mode must be 'append' or 'replace'")
        with self.lock:
            art = self.article(slug)
            text = text or f"Update {len(art.body_edits) + 1}: officials confirmed further details on {slug}."
            art.body_edits.append((mode, text))
            self._touch(art, lead=text[:60] if mode == "replace" else art.spec.lead)
            return text

    def edit_furniture(self, slug: str | None) -> None:
        with self.lock:
            if slug is None:
                self.site_furniture += 1
                for art in self.articles.values():
                    art.cache.clear()
            else:
                art = self.article(slug)
                art.furniture += 1
                art.cache.clear()

    def delete(self, slug: str, status: int) -> None:
        if status not in (404, 410):
            raise ValueError("status must be 404 or 410")
        with self.lock:
            with_spec(self.article(slug), status=status)
            self._site_changed()

    def restore(self, slug: str) -> None:
        with self.lock:
            with_spec(self.article(slug), status=200)
            self._site_changed()

    def add(self, art: Article) -> None:
        with self.lock:
            if art.spec.slug in self.articles or art.spec.path in self.paths:
                raise ValueError(f"article {art.spec.slug!r} exists")
            self.articles[art.spec.slug] = self.paths[art.spec.path] = art
            self.changed = max(self.changed, art.spec.modified)
            if self.base_url:  # added while serving, not loaded at start
                self._site_changed()

    def set_route(self, path: str, response: Response) -> None:
        with self.lock:
            self.routes[path] = response

    # -- reads -----------------------------------------------------------------------

    def specs(self, *, include_deleted: bool = False) -> list[ArticleSpec]:
        """Articles newest first, with absolute URLs."""
        with self.lock:
            arts = [a.spec for a in self.articles.values() if include_deleted or a.spec.status == 200]
        arts = [s if s.url else _with_url(s, self.base_url) for s in arts]
        return sorted(arts, key=lambda s: (s.published, s.slug), reverse=True)

    def request_count(self, path: str) -> int:
        with self.lock:
            return self.target_counts[path] if "?" in path else self.path_counts[path]

    def clear_requests(self) -> None:
        with self.lock:
            self.log.clear()
            self.target_counts.clear()
            self.path_counts.clear()

    # -- serving ---------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Response:
        parts = urlsplit(target)
        path, query = parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))
        if path.startswith("/_control/"):
            from tests.site.control import dispatch  # the control endpoint calls back into this state

            return dispatch(self, method, path.removeprefix("/_control/"), query, body)
        with self.lock:
            self.log.append(RequestRecord(method, target, dict(headers)))
            self.target_counts[target] += 1
            self.path_counts[path] += 1
            if path.startswith(("/fault/", "/walls/")):
                self.fault_hits[target] += 1
            hits = self.fault_hits[target]
            override = self.routes.get(target) or self.routes.get(path)
        if override is not None:
            return override
        resp = self._route(path, query, hits)
        return _conditional(resp, headers) if resp.conditional else resp

    def _furniture(self) -> str:
        return furniture_html(0, self.site_furniture)

    def _route(self, path: str, query: dict[str, str], hits: int) -> Response:
        base = self.base_url
        if path not in DOCS:
            return self._other(path, query, hits)
        specs = self.specs()
        docs = {
            "/robots.txt": lambda: text(feeds.robots_txt(base), content_type="text/plain; charset=utf-8"),
            "/rss.xml": lambda: text(
                feeds.rss(specs, base), content_type="application/rss+xml; charset=utf-8"
            ),
            "/atom.xml": lambda: text(
                feeds.atom(specs, base), content_type="application/atom+xml; charset=utf-8"
            ),
            "/feed.json": lambda: text(feeds.json_feed(specs, base), content_type="application/feed+json"),
            "/sitemap.xml": lambda: text(feeds.sitemap(specs, base), content_type=XML),
            "/news-sitemap.xml": lambda: text(feeds.news_sitemap(specs, base), content_type=XML),
            "/sitemap-index.xml": lambda: text(feeds.sitemap_index(specs, base), content_type=XML),
            "/": lambda: text(feeds.listing_page("Latest news", specs, self._furniture(), page_type="home")),
            "/private/secret.html": lambda: text(feeds.PRIVATE_PAGE),
        }
        resp = docs[path]()
        resp.conditional = True
        resp.last_modified = self.changed
        return resp

    def _other(self, path: str, query: dict[str, str], hits: int) -> Response:
        base = self.base_url
        if path.startswith("/fault/"):
            resp = fault(path.removeprefix("/fault/"), query, hits, self.closing, base, self.released)
            return resp or text("<html><body>No such fault</body></html>", 404)
        if path.startswith("/walls/"):
            resp = wall(path.removeprefix("/walls/"), query, hits)
            return resp or text("<html><body>No such wall</body></html>", 404)
        if path.startswith("/gen/") and path.endswith(".html") and path[5:-5].isdigit():
            return text(feeds.generated_article(int(path[5:-5]), base), conditional=True)
        listing = self._listing(path, self.specs()) if path.endswith("/") else None
        if listing is not None:
            return listing
        return self._article(path)

    def _listing(self, path: str, specs: list[ArticleSpec]) -> Response | None:
        segs = [s for s in path.split("/") if s]
        if not path.endswith("/") or not segs or len(segs) > 2:
            return None
        if len(segs) == 1:
            chosen, title, kind = [s for s in specs if s.section == segs[0]], segs[0].capitalize(), "section"
        elif segs[0] == "tag":
            chosen, title, kind = [s for s in specs if segs[1] in s.tags], f"Tag: {segs[1]}", "tag"
        elif segs[0] == "author":
            chosen = [s for s in specs if s.author_slug == segs[1]]
            title, kind = f"Author: {chosen[0].author if chosen else segs[1]}", "author"
        else:
            return None
        if (
            not chosen
            and kind != "section"
            or kind == "section"
            and segs[0] not in {"world", "business"} | {s.section for s in specs}
        ):
            return None
        page = feeds.listing_page(title, chosen, self._furniture(), page_type=kind)
        return text(page, conditional=True, last_modified=self.changed)

    def _article(self, path: str) -> Response:
        with self.lock:
            art = self.paths.get(path)
            if art is None:
                return text("<html><body><h1>Page not found</h1></body></html>", 404)
            if art.spec.status != 200:
                return text("<html><body><h1>This article was removed</h1></body></html>", art.spec.status)
            test = self.headline_tests.get(art.spec.slug)
            if test is not None:  # a fresh page each time, never a 304: the headline rotates
                titles, served = test
                self.headline_tests[art.spec.slug] = (titles, served + 1)
                shown = dataclasses.replace(
                    art, spec=dataclasses.replace(art.spec, title=titles[served % len(titles)]), cache={}
                )
                return Response(200, render_article(shown, self.base_url, self.site_furniture))
            body = art.cache.get(self.base_url)
            if body is None:
                body = art.cache[self.base_url] = render_article(art, self.base_url, self.site_furniture)
            modified = art.spec.modified
        return Response(200, body, conditional=True, last_modified=modified)


def _after(t: datetime) -> datetime:
    """Now, but at least a second after t: Last-Modified has one-second resolution."""
    return max(datetime.now(UTC).replace(microsecond=0), t.replace(microsecond=0) + timedelta(seconds=1))


def _with_url(spec: ArticleSpec, base: str) -> ArticleSpec:
    from dataclasses import replace

    return replace(spec, url=base + spec.path)


def _conditional(resp: Response, headers: Mapping[str, str]) -> Response:
    """ETag from the bytes; 304 on a matching If-None-Match, else on an unchanged If-Modified-Since."""
    etag = '"' + hashlib.sha1(resp.body).hexdigest()[:20] + '"'
    resp.headers.setdefault("ETag", etag)
    if resp.last_modified is not None:
        resp.headers.setdefault(
            "Last-Modified", format_datetime(resp.last_modified.astimezone(UTC), usegmt=True)
        )
    lower = {k.lower(): v for k, v in headers.items()}
    inm, ims = lower.get("if-none-match"), lower.get("if-modified-since")
    not_modified = False
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        not_modified = "*" in tags or etag in tags
    elif ims is not None and resp.last_modified is not None:
        try:
            not_modified = resp.last_modified.replace(microsecond=0) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            not_modified = False
    if not_modified:
        keep = {k: v for k, v in resp.headers.items() if k in ("ETag", "Last-Modified")}
        return Response(304, b"", None, keep)
    return resp
