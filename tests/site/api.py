"""The test site's Python API, shared by the in-process and the subprocess site."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from tests.site.pages import ArticleSpec
from tests.site.state import RequestRecord


class SiteAPI:
    """Edit and inspect the news site. Subclasses provide base_url and _call (one control operation)."""

    base_url: str

    def _call(self, op: str, **params: Any) -> Any:
        raise NotImplementedError

    def url(self, path: str) -> str:
        """Absolute URL of a path on the site ("/rss.xml" -> "http://127.0.0.1:PORT/rss.xml")."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    @property
    def articles(self) -> list[ArticleSpec]:
        """Live articles (deleted ones left out), newest first."""
        return [ArticleSpec.from_json(d) for d in self._call("articles")]

    def article(self, slug: str) -> ArticleSpec:
        """One article, deleted or not."""
        for d in self._call("articles", deleted=1):
            if d["slug"] == slug:
                return ArticleSpec.from_json(d)
        raise KeyError(slug)

    def article_url(self, slug: str) -> str:
        return self.article(slug).url

    def edit_headline(self, slug: str, new_title: str) -> None:
        """Change <h1>, <title>, og:title/twitter:title and JSON-LD headline."""
        self._call("edit-headline", slug=slug, title=new_title)

    def start_headline_test(self, slug: str, titles: list[str]) -> None:
        """Serve these headlines in turn, one a request of the article (an A/B test); [] ends it."""
        self._call("headline-test", slug=slug, titles=titles)

    def edit_body(self, slug: str, text: str | None = None, *, mode: str = "append") -> str:
        """Append a paragraph after the last body paragraph, or replace the first ("replace").

        Returns the paragraph text (a generated sentence when text is None).
        """
        return self._call("edit-body", slug=slug, text=text, mode=mode)

    def edit_furniture(self, slug: str | None = None) -> None:
        """Change only sidebar, ad slot, comment count and footer timestamp (None: on every page)."""
        self._call("edit-furniture", slug=slug)

    def delete(self, slug: str, status: int = 404) -> None:
        """The article answers 404 or 410 and leaves feeds, sitemaps and listings."""
        self._call("delete", slug=slug, status=status)

    def restore(self, slug: str) -> None:
        self._call("restore", slug=slug)

    def add_article(
        self,
        slug: str,
        title: str,
        paragraphs: Sequence[str],
        *,
        section: str = "world",
        author: str = "Jane Reporter",
        tags: Sequence[str] = (),
        published: datetime | None = None,
    ) -> ArticleSpec:
        """A new (synthetic, clean) article at /YYYY/MM/DD/<slug>.html; it appears in feeds at once."""
        d = self._call(
            "add-article",
            slug=slug,
            title=title,
            paragraphs=list(paragraphs),
            section=section,
            author=author,
            tags=list(tags),
            published=published.isoformat() if published else None,
        )
        return ArticleSpec.from_json(d)

    def set_route(
        self,
        path: str,
        body: bytes | str = b"",
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = "text/html; charset=utf-8",
    ) -> None:
        """Serve this exact path (or path?query) as given, before any built-in route."""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        self._call(
            "set-route",
            path=path,
            body_b64=base64.b64encode(raw).decode("ascii"),
            status=status,
            headers=dict(headers or {}),
            content_type=content_type,
        )

    def redirect(self, path: str, target: str, status: int = 301) -> None:
        self._call("redirect", path=path, target=target, status=status)

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request seen (control calls excepted): (method, path with query, headers)."""
        return [RequestRecord(m, p, h) for m, p, h in self._call("requests")]

    def request_count(self, path: str) -> int:
        """Requests for path (any query string), or for exactly path?query when it has one."""
        return self._call("request-count", path=path)

    def clear_requests(self) -> None:
        self._call("clear-requests")

    def release_held(self) -> None:
        """Let every /fault/held request answer (those waiting and those to come)."""
        self._call("release")
