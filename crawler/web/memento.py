"""The Memento protocol (RFC 7089) over the archive's captures: TimeGate, TimeMaps and Link headers.

The archive is a Memento server in the RFC's Pattern 2: the original
resource (URI-R) is the publisher's URL, the TimeGate is `/timegate/<URI-R>`,
the TimeMaps are `/timemap/link/<URI-R>` (application/link-format, RFC 6690)
and `/timemap/json/<URI-R>` (the JSON form Memento aggregators publish), and
each memento (URI-M) is a replay page `/web/<14 digits>/<URI-R>`
(newsarchive.crawler.web.replay), which carries `Memento-Datetime` and a
`Link` header naming the original, the TimeGate, the TimeMap and its
first, last, previous and next mementos.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from newsarchive.crawler.web.replay_paths import replay_path, target_url, timegate_path, timemap_path
from newsarchive.storage.research.mementos import Memento, mementos, nearest_to

router = APIRouter(include_in_schema=False)

LINK_FORMAT = "application/link-format"


def http_date(moment: datetime) -> str:
    """RFC 7231's IMF-fixdate, the form Memento-Datetime and Accept-Datetime use."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def parse_accept_datetime(value: str) -> datetime:
    """An Accept-Datetime value (RFC 1123 date in GMT); ValueError if it is not one."""
    text = value.strip()
    if not text.endswith(" GMT"):
        raise ValueError(f"Accept-Datetime must be an HTTP date in GMT, not {value!r}")
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        raise ValueError(f"Accept-Datetime is not an HTTP date: {value!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def origin(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def memento_uri(request: Request, memento: Memento, url: str) -> str:
    return origin(request) + replay_path(memento.stamp, url)


def _link(uri: str, **params: str) -> str:
    return f"<{uri}>" + "".join(f'; {name}="{value}"' for name, value in params.items())


def _context_links(request: Request, url: str) -> list[str]:
    base = origin(request)
    return [
        _link(url, rel="original"),
        _link(base + timegate_path(url), rel="timegate"),
        _link(base + timemap_path(url), rel="timemap", type=LINK_FORMAT),
    ]


def _neighbour_links(request: Request, found: Sequence[Memento], index: int | None, url: str) -> list[str]:
    """first/last (and prev/next around `index`) mementos, one link per memento, relations joined."""
    relations: dict[int, list[str]] = {}
    relations.setdefault(0, []).append("first")
    relations.setdefault(len(found) - 1, []).append("last")
    if index is not None:
        if index > 0:
            relations.setdefault(index - 1, []).append("prev")
        if index < len(found) - 1:
            relations.setdefault(index + 1, []).append("next")
    links = []
    for position in sorted(relations):
        rel = " ".join(relations[position]) + " memento"
        memento = found[position]
        links.append(_link(memento_uri(request, memento, url), rel=rel, datetime=http_date(memento.at)))
    return links


def memento_headers(request: Request, found: Sequence[Memento], index: int, url: str) -> dict[str, str]:
    """The headers of a memento (URI-M) response: Memento-Datetime and Link."""
    links = _context_links(request, url) + _neighbour_links(request, found, index, url)
    return {"Memento-Datetime": http_date(found[index].at), "Link": ", ".join(links)}


def _url(request: Request, prefix: str) -> str:
    raw = request.scope.get("raw_path") or request.url.path.encode("utf-8")
    return target_url(raw, len(prefix), request.scope.get("query_string", b""))


@router.api_route("/timegate/{url:path}", methods=["GET", "HEAD"])
def timegate(request: Request, url: str) -> Response:
    """302 to the memento nearest Accept-Datetime (the latest without one), RFC 7089 section 4.1."""
    original = _url(request, "/timegate/")
    vary = {"Vary": "accept-datetime"}
    with request.app.state.archive.sessions() as session:
        found = mementos(session, original)
    if not found:
        return Response(f"the archive holds no capture of {original}\n", 404, vary, "text/plain")
    context = ", ".join(_context_links(request, original)[::2])  # original and timemap
    asked = request.headers.get("accept-datetime")
    if asked is None:
        index = len(found) - 1
    else:
        try:
            index = nearest_to(found, parse_accept_datetime(asked))
        except ValueError as exc:
            return Response(f"{exc}\n", 400, {**vary, "Link": context}, "text/plain")
    links = ", ".join([context, *_neighbour_links(request, found, index, original)])
    headers = {**vary, "Location": memento_uri(request, found[index], original), "Link": links}
    return Response(b"", 302, headers)


@router.api_route("/timemap/link/{url:path}", methods=["GET", "HEAD"])
def timemap_link(request: Request, url: str) -> Response:
    """Every memento of a URL in application/link-format (RFC 7089 section 5.1)."""
    original = _url(request, "/timemap/link/")
    with request.app.state.archive.sessions() as session:
        found = mementos(session, original)
    if not found:
        return Response(f"the archive holds no capture of {original}\n", 404, media_type="text/plain")
    base = origin(request)
    lines = [
        _link(original, rel="original"),
        _link(
            base + timemap_path(original),
            rel="self",
            type=LINK_FORMAT,
            **{"from": http_date(found[0].at), "until": http_date(found[-1].at)},
        ),
        _link(base + timegate_path(original), rel="timegate"),
    ]
    for position, memento in enumerate(found):
        rel = " ".join(
            name for name, here in (("first", position == 0), ("last", position == len(found) - 1)) if here
        )
        lines.append(
            _link(
                memento_uri(request, memento, original),
                rel=f"{rel} memento".strip(),
                datetime=http_date(memento.at),
            )
        )
    return Response(",\n".join(lines) + "\n", 200, media_type=LINK_FORMAT)


@router.api_route("/timemap/json/{url:path}", methods=["GET", "HEAD"])
def timemap_json(request: Request, url: str) -> Response:
    """The same TimeMap as JSON, in the shape Memento aggregators use."""
    original = _url(request, "/timemap/json/")
    with request.app.state.archive.sessions() as session:
        found = mementos(session, original)
    if not found:
        missing = {"detail": f"the archive holds no capture of {original}"}
        return Response(json.dumps(missing), 404, media_type="application/json")
    base = origin(request)

    def entry(memento: Memento) -> dict[str, str]:
        return {
            "datetime": memento.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "uri": memento_uri(request, memento, original),
        }

    body: dict[str, Any] = {
        "original_uri": original,
        "timegate_uri": base + timegate_path(original),
        "timemap_uri": {
            "link_format": base + timemap_path(original),
            "json_format": base + timemap_path(original, "json"),
        },
        "mementos": {
            "first": entry(found[0]),
            "last": entry(found[-1]),
            "list": [entry(memento) for memento in found],
        },
    }
    return Response(json.dumps(body, indent=1), 200, media_type="application/json")
