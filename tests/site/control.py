"""The control endpoint, /_control/<op>: edits and inspection over HTTP.

The in-process NewsSite and the subprocess RemoteNewsSite both end up in dispatch(),
so the two behave alike. Parameters come from the query string and/or a JSON body.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tests.site.pages import synthetic_article
from tests.site.response import Response

if TYPE_CHECKING:
    from tests.site.state import SiteState


def redirect_response(target: str, status: int = 301) -> Response:
    return Response(status, headers={"Location": target}, content_type=None)


def route_response(
    body: bytes = b"",
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    content_type: str | None = "text/html; charset=utf-8",
) -> Response:
    return Response(status, body, content_type, dict(headers or {}))


def add_article(state: SiteState, p: Mapping[str, Any]) -> dict[str, object]:
    published = datetime.fromisoformat(p["published"]) if p.get("published") else None
    art = synthetic_article(
        p["slug"],
        p["title"],
        list(p["paragraphs"]),
        section=p.get("section", "world"),
        author=p.get("author", "Jane Reporter"),
        tags=tuple(p.get("tags", ())),
        published=published,
    )
    state.add(art)
    return next(s for s in state.specs() if s.slug == art.spec.slug).to_json()


def _set_route(state: SiteState, p: Mapping[str, Any]) -> None:
    body = base64.b64decode(p["body_b64"]) if "body_b64" in p else str(p.get("body", "")).encode("utf-8")
    resp = route_response(body, int(p.get("status", 200)), p.get("headers"), p.get("content_type"))
    state.set_route(p["path"], resp)


OPS: dict[str, Callable[[SiteState, Mapping[str, Any]], object]] = {
    "edit-headline": lambda s, p: s.edit_headline(p["slug"], p["title"]),
    "headline-test": lambda s, p: s.start_headline_test(p["slug"], list(p.get("titles") or [])),
    "edit-body": lambda s, p: s.edit_body(p["slug"], p.get("text"), p.get("mode", "append")),
    "edit-furniture": lambda s, p: s.edit_furniture(p.get("slug")),
    "delete": lambda s, p: s.delete(p["slug"], int(p.get("status", 404))),
    "restore": lambda s, p: s.restore(p["slug"]),
    "add-article": add_article,
    "set-route": _set_route,
    "redirect": lambda s, p: s.set_route(
        p["path"], redirect_response(p["target"], int(p.get("status", 301)))
    ),
    "articles": lambda s, p: [a.to_json() for a in s.specs(include_deleted=bool(p.get("deleted")))],
    "requests": lambda s, p: [list(r) for r in s.log],
    "request-count": lambda s, p: s.request_count(p["path"]),
    "clear-requests": lambda s, p: s.clear_requests(),
    "release": lambda s, p: s.released.set(),
}


def dispatch(state: SiteState, method: str, op: str, query: Mapping[str, str], body: bytes) -> Response:
    """Run one control operation; answer JSON {"result": ...} or {"error": ...}."""
    params: dict[str, Any] = dict(query)
    if body:
        try:
            params.update(json.loads(body))
        except ValueError:
            return _json({"error": "body must be a JSON object"}, 400)
    func = OPS.get(op)
    if func is None:
        return _json({"error": f"unknown operation {op!r}", "operations": sorted(OPS)}, 404)
    try:
        return _json({"result": func(state, params)})
    except (KeyError, ValueError, TypeError) as err:
        return _json({"error": f"{type(err).__name__}: {err}"}, 400)


def _json(data: object, status: int = 200) -> Response:
    return Response(status, json.dumps(data).encode("utf-8"), "application/json")
