"""Replay: an archived page as it was captured, at `/web/<timestamp>/<url>` (the Wayback Machine's form).

`/web/<14 digits>/<url>` is the replay page: a banner (when, which capture
and version, the neighbours, the article's timeline, the extracted text)
over a sandboxed frame showing `/web/<14 digits>if_/<url>`, the archived
document made inert (newsarchive.crawler.web.replay_rewrite) and served
under the archived-content policy (newsarchive.crawler.web.replay_headers).
A shorter or inexact timestamp redirects to the exact one of the capture it
selects (newsarchive.storage.research.mementos.nearest), so every replay page
has one address: its URI-M in the Memento protocol. Images and stylesheets
the archive holds come from `im_` and `cs_` paths at the nearest capture.
The payload is read through newsarchive.storage.warc.store.read_response,
the one reader of the archive's WARC records.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from newsarchive.crawler.web.errors import PageRoute, RequestError
from newsarchive.crawler.web.memento import memento_headers, origin
from newsarchive.crawler.web.render import render
from newsarchive.crawler.web.replay_body import archived_body
from newsarchive.crawler.web.replay_headers import REPLAY_PAGE_HEADERS, SANDBOX, archived_headers
from newsarchive.crawler.web.replay_paths import DOCUMENT, PAGE, parse_segment, replay_path, target_url
from newsarchive.storage.research.mementos import (
    BadTimestamp,
    Memento,
    mementos,
    nearest,
    version_place,
)
from newsarchive.storage.research.read import NotFound

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.api_route("/web/{segment:wayback}/{url:path}", methods=["GET", "HEAD"])
def replay(request: Request, segment: str, url: str) -> Response:
    parsed = parse_segment(segment)
    if parsed is None:
        raise NotFound(f"no page at {request.url.path}")
    raw = request.scope.get("raw_path") or request.url.path.encode("utf-8")
    original = target_url(raw, len(f"/web/{segment}/"), request.scope.get("query_string", b""))
    with request.app.state.archive.sessions() as session:
        found = mementos(session, original)
        if not found:
            raise NotFound(f"the archive holds no capture of {original}")
        try:
            index = nearest(found, parsed.stamp)
        except BadTimestamp as exc:
            raise RequestError(400, str(exc)) from None
        memento = found[index]
        if parsed.modifier in (PAGE, DOCUMENT) and memento.stamp != parsed.stamp:
            # One address per capture: the exact timestamp of the one selected.
            return RedirectResponse(replay_path(memento.stamp, original, parsed.modifier), 302)
        headers = memento_headers(request, found, index, original)
        if parsed.modifier == PAGE:
            context = _banner(session, found, index, original)
            response = render(request, "replay.html", **context)
            response.headers.update({**REPLAY_PAGE_HEADERS, **headers})
            return response
        body, content_type = archived_body(request.app.state.archive, session, memento, parsed.modifier)
    return Response(body, 200, {**archived_headers(origin(request), content_type), **headers})


def _banner(session: Session, found: list[Memento], index: int, original: str) -> dict[str, Any]:
    memento = found[index]

    def neighbour(position: int) -> dict[str, Any] | None:
        if not 0 <= position < len(found):
            return None
        other = found[position]
        return {"at": other.at, "path": replay_path(other.stamp, original)}

    return {
        "url": original,
        "captured_url": memento.url,
        "at": memento.at,
        "status": memento.status,
        "number": index + 1,
        "total": len(found),
        "previous": neighbour(index - 1),
        "next": neighbour(index + 1),
        "first": neighbour(0),
        "last": neighbour(len(found) - 1),
        "version": version_place(session, memento),
        "article_id": memento.article_id,
        "version_id": memento.version_id,
        "frame": replay_path(memento.stamp, original, DOCUMENT),
        "sandbox": SANDBOX,
    }
