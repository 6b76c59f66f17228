"""The bytes a replay serves for one memento: read from its WARC record, made inert.

HTML is rewritten (newsarchive.crawler.web.replay_rewrite) and CSS has its
url()s pointed into the archive (newsarchive.crawler.web.replay_css),
whatever the path's modifier says: the archived Content-Type decides, as it
would have in the browser. Anything else (images, fonts) goes out as
captured, under the archived-content policy.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from newsarchive.crawler.web.errors import RequestError
from newsarchive.crawler.web.replay_css import css_urls, rewrite_css
from newsarchive.crawler.web.replay_paths import replay_path
from newsarchive.crawler.web.replay_rewrite import rewrite_html
from newsarchive.storage.archive import Archive
from newsarchive.storage.research.mementos import Memento, held
from newsarchive.storage.warc.store import StoredResponse, read_capture_response

HTML_TYPES = ("text/html", "application/xhtml+xml")
CSS_TYPE = "text/css"
# Served as captured: kinds a browser only displays. Anything else (scripts,
# JSON, XML, a Content-Type that is no single media type) goes out as plain
# text, never under a type the browser might run or parse as a document.
_DISPLAYED = ("image/", "font/", "audio/", "video/")
_DISPLAYED_TYPES = {"application/font-woff", "application/x-font-woff", "application/vnd.ms-fontobject"}
_MEDIA_TYPE = re.compile(r"^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$")


def content_type(stored: StoredResponse, memento: Memento) -> str:
    for name, value in stored.headers:
        if name.lower() == "content-type" and value.strip():
            return value.strip()
    return memento.content_type or "application/octet-stream"


def _mime(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def served_type(declared: str) -> str:
    """The Content-Type a captured body that is neither HTML nor CSS is served with."""
    mime = _mime(declared)
    if _MEDIA_TYPE.match(mime) and (mime.startswith(_DISPLAYED) or mime in _DISPLAYED_TYPES):
        return mime
    return "text/plain; charset=utf-8"


def _css_text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp1252", "replace")


def read_memento(archive: Archive, memento: Memento) -> StoredResponse:
    try:
        return read_capture_response(archive.config.warc_dir, memento.location, memento.body_sha256)
    except (OSError, ValueError) as exc:
        # The row points at a record that is missing or not a response: say so, change nothing.
        raise RequestError(
            500, f"the WARC record of capture {memento.capture_id} cannot be read: {exc}"
        ) from None


def archived_body(archive: Archive, session: Session, memento: Memento, modifier: str) -> tuple[bytes, str]:
    """(body, Content-Type) to serve for a memento at a replay path with this modifier."""
    stored = read_memento(archive, memento)
    declared = content_type(stored, memento)
    mime = _mime(declared)

    def path_for(url: str, kind: str) -> str:
        return replay_path(memento.stamp, url, kind)

    def lookup(urls: set[str]) -> set[str]:
        return held(session, urls)

    if mime in HTML_TYPES:
        html = rewrite_html(stored.body, stored.url or memento.url, lookup, path_for)
        return html.encode("utf-8"), "text/html; charset=utf-8"
    if mime == CSS_TYPE:
        css = _css_text(stored.body)
        found = lookup(css_urls(css, stored.url or memento.url))

        def to_archive(url: str, kind: str) -> str | None:
            return path_for(url, kind) if url in found else None

        rewritten = rewrite_css(css, stored.url or memento.url, to_archive)
        return rewritten.encode("utf-8"), "text/css; charset=utf-8"
    return stored.body, served_type(declared)
