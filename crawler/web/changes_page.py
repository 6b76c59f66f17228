"""GET /web/changes: the recent edits feed (`newsarchive changes`) with its filters, a page at a time.

Filters: kinds of edit (any of the ticked ones), source, domain, and a window
of UTC days. An unknown source or domain is answered with the names the
archive does know, not with an empty list that reads as a quiet week.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from newsarchive.crawler.web.errors import PageRoute, clip
from newsarchive.crawler.web.render import render
from newsarchive.storage.research.changes import FILTER_KINDS, check_kinds, recent_changes
from newsarchive.storage.research.names import unknown_names

router = APIRouter(include_in_schema=False, route_class=PageRoute)

PAGE = 100
# recent_changes streams from the newest edit: skipping is reading, so deep
# pages are capped; a date window reaches further back at no cost.
MAX_OFFSET = 5000


class _Refused(ValueError):
    pass


def _day(name: str, value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise _Refused(f"{name} must be a date like 2026-03-01, not {clip(value, 40)!r}") from None


def _offset(value: str) -> int:
    text = value.strip() or "0"
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_OFFSET:
        raise _Refused(
            f"offset must be a whole number from 0 to {MAX_OFFSET}; narrow the dates to go further"
        )
    return int(text)


@router.get("/web/changes", response_class=HTMLResponse)
def changes_page(request: Request) -> HTMLResponse:
    query = request.query_params
    form: dict[str, Any] = {
        "kind": query.getlist("kind"),
        "source": clip((query.get("source") or "").strip(), 200),
        "domain": clip((query.get("domain") or "").strip(), 255),
        "since": clip(query.get("since") or "", 40),
        "until": clip(query.get("until") or "", 40),
        # ?extractor=1: also the versions a re-extraction made (never counted as edits).
        "extractor": query.get("extractor") in ("1", "true", "on"),
    }
    context: dict[str, Any] = {
        "form": form,
        "all_kinds": FILTER_KINDS,
        "changes": [],
        "links": {},
        "offset": 0,
    }
    try:
        kinds = check_kinds(form["kind"])
        since, until = _day("since", form["since"]), _day("until", form["until"])
        offset = _offset(query.get("offset") or "")
        if since and until and until < since:
            raise _Refused("the window ends before it starts")
    except (_Refused, ValueError) as exc:
        return render(request, "changes.html", 400, error=str(exc), **context)
    with request.app.state.archive.sessions() as session:
        problems = unknown_names(session, source=form["source"] or None, domain=form["domain"] or None)
        if problems:
            return render(request, "changes.html", 400, error="; ".join(problems), **context)
        found = recent_changes(
            session,
            source=form["source"] or None,
            domain=form["domain"] or None,
            since=datetime.combine(since, time(), tzinfo=UTC) if since else None,
            # The whole last day: up to, not including, the next midnight.
            until=datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC) - timedelta(microseconds=1)
            if until
            else None,
            kinds=kinds,
            limit=offset + PAGE + 1,
            include_extractor=form["extractor"],
        )
        rows = list(found)[offset:]
    base = (
        [("kind", k) for k in kinds]
        + [(k, form[k]) for k in ("source", "domain", "since", "until") if form[k]]
        + ([("extractor", "1")] if form["extractor"] else [])
    )
    links = {}
    if offset > 0:
        links["prev"] = "/web/changes?" + urlencode([*base, ("offset", max(offset - PAGE, 0))])
    if len(rows) > PAGE and offset + PAGE <= MAX_OFFSET:
        links["next"] = "/web/changes?" + urlencode([*base, ("offset", offset + PAGE)])
    context.update(changes=rows[:PAGE], links=links, offset=offset)
    return render(request, "changes.html", error=None, **context)
