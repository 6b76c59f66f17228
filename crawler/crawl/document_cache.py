"""Conditional GET for a source's feeds and sitemaps: ask "changed since?", and skip the parse on 304.

The validators (ETag, Last-Modified) are the archive's
(newsarchive.storage.crawl_state.documents), kept per source and document,
and written only once a read's entries are all in the frontier: a 304 then
means there is nothing in the document this source has not queued. A read
that left entries out (the source's max_urls, a truncated sitemap, a feed
with no entries) keeps no validators, so the next run reads it in full.

A document is also read in full once its last full read is older than
NEWSARCHIVE_DOCUMENT_REFRESH seconds: entries whose fetch failed, or that
robots.txt refused, are queued again only when a document lists them anew,
and a document that never changes would otherwise never list them again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.http import Response

from newsarchive.storage.crawl_state.documents import DiscoveryDocuments, DocumentState

# The document's URL as the source lists it (a redirect changes response.url).
DOCUMENT_KEY = "newsarchive_document"


class DocumentCache:
    def __init__(self, documents: DiscoveryDocuments) -> None:
        self.documents = documents
        self._known: dict[str, dict[str, DocumentState]] = {}

    def load(self, sources: Iterable[str], refresh: timedelta) -> None:
        """What each source read last; those read in full longer than `refresh` ago are read in full again."""
        oldest = datetime.now(UTC) - refresh
        for name in sources:
            self._known[name] = {
                url: state
                for url, state in self.documents.of_source(name).items()
                if state.read_at is not None and state.read_at > oldest
            }

    def request_options(self, source: str, url: str) -> tuple[dict[str, str], dict[str, Any]]:
        """Headers and meta for a conditional request of this document."""
        state = self._known.get(source, {}).get(url)
        headers = state.request_headers() if state is not None else {}
        # A 304 must reach the callback (Scrapy's HttpError would call it a failure).
        return headers, {DOCUMENT_KEY: url, "handle_httpstatus_list": [304]}

    def children(self, source: str, response: Response) -> tuple[str, ...]:
        """The child sitemaps an unchanged sitemap index listed when last read."""
        state = self._known.get(source, {}).get(response.meta.get(DOCUMENT_KEY, response.url))
        return state.children if state is not None else ()

    def read(self, source: str, response: Response, *, complete: bool, children: Sequence[str] = ()) -> None:
        """The document was parsed: keep its validators if every entry it gave is queued."""
        url = response.meta.get(DOCUMENT_KEY, response.url)
        if not complete:
            self.documents.forget(source, url)
            return
        etag = _header(response, b"ETag")
        last_modified = _header(response, b"Last-Modified")
        self.documents.read(source, url, etag, last_modified, children)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
