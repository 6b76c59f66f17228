"""Server-rendered pages: search (or look-up by URL), an article's timeline, a version's text,
a side-by-side diff, a capture form.

Plain HTML forms and links, no JavaScript; rendering (autoescaped, with
restrictive headers) is newsarchive.crawler.web.render's. Errors are raised and answered
as the HTML error page by newsarchive.crawler.web.errors, because this router's routes
are PageRoutes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from newsarchive.crawler.web import reads
from newsarchive.crawler.web.capture import CaptureError
from newsarchive.crawler.web.charts.timeline import version_timeline
from newsarchive.crawler.web.deps import token_problem
from newsarchive.crawler.web.errors import PageRoute, RequestError, clip
from newsarchive.crawler.web.highlight import query_words
from newsarchive.crawler.web.lookup import article_for, as_url
from newsarchive.crawler.web.params import SearchParams
from newsarchive.crawler.web.render import render
from newsarchive.crawler.web.searching import run_search
from newsarchive.storage.research.read import NotFound, get_version
from newsarchive.storage.research.search.query import BadQuery

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'query'}: {e['msg']}" for e in exc.errors())


FILTER_LABELS = {
    "source": "source",
    "domain": "domain",
    "language": "language",
    "author": "author",
    "keyword": "keyword",
    "section": "section",
    "published_from": "published from",
    "published_to": "published to",
    "captured_from": "captured from",
    "captured_to": "captured to",
    "changed": "changed only",
    "all_versions": "every version",
}


def _active_filters(params: SearchParams) -> list[str]:
    """The filters in use, as short labels for the folded filter box's summary."""
    active = []
    for name, value in params.as_form().items():
        if name in FILTER_LABELS:
            label = FILTER_LABELS[name]
            active.append(label if value == "true" else f"{label} {value}")
    return active


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request) -> Response:
    # The form comes back filled in; a value past any field's limit is
    # refused below, and comes back cut, not whole.
    form = {k: clip(v, 1000) for k, v in request.query_params.items()}
    context: dict[str, Any] = {
        "form": form,
        "page": None,
        "words": [],
        "filters": [],
        "sort_used": None,
        # The order picked in the form: "date", or "" for best match (newest first without words).
        "sort_choice": "date" if form.get("sort") == "date" else "",
        "links": {},
        "unknown_url": None,
        "capture_on": False,
    }
    try:
        params = SearchParams.from_form(form)
    except ValidationError as exc:
        return render(request, "search.html", 400, error=_validation_message(exc), **context)
    context["filters"] = _active_filters(params) + (
        ["newest first"] if params.q and params.sort == "date" else []
    )
    url = as_url(params.q)
    if url is not None:
        return _look_up(request, url, context)
    if params.q is None:
        # Nothing to rank by: results come newest first whatever was asked,
        # and the form says so rather than showing "relevance".
        params = params.model_copy(update={"sort": "date"})
    context["sort_used"] = params.sort
    try:
        page = run_search(request, params)
    except BadQuery as exc:
        # Not the app's error page: the form comes back filled in, with the reason.
        return render(request, "search.html", 400, error=str(exc), **context)
    links = {}
    base = params.as_form()
    if page.offset > 0:
        links["prev"] = "/?" + urlencode({**base, "offset": max(page.offset - page.limit, 0)})
    if page.next_cursor is not None:
        # Keyset paging: the next page stays the same while a crawl adds
        # articles, and costs no more than the first (offset links still work).
        following = {k: v for k, v in base.items() if k != "offset"}
        links["next"] = "/?" + urlencode({**following, "cursor": page.next_cursor})
    context.update(page=page, words=query_words(params.q), links=links)
    return render(request, "search.html", error=None, **context)


def _look_up(request: Request, url: str, context: dict[str, Any]) -> Response:
    """A URL in the search box: its article's page, or a page saying it is not archived."""
    with request.app.state.archive.sessions() as session:
        article_id = article_for(session, url)
    if article_id is not None:
        return RedirectResponse(f"/web/articles/{article_id}", status_code=303)
    context.update(unknown_url=url, capture_on=bool(request.app.state.settings.capture_token))
    return render(request, "search.html", 404, error=None, **context)


def _article_id(value: str) -> int:
    # A page's id is any path segment (a typed or mangled link), so anything
    # not a number is an unknown article, not a validation error. ASCII only:
    # str.isdigit() also accepts "²", which int() refuses.
    if not (value.isascii() and value.isdigit()):
        raise NotFound(f"no article with id {value}")
    return int(value)


@router.get("/web/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    with request.app.state.archive.sessions() as session:
        article = reads.article_by_id(session, _article_id(article_id))
        data = reads.article_dict(session, article)
        versions = reads.version_summaries(session, article)
    timeline = version_timeline(versions, data["last_checked"]) if versions else None
    return render(
        request, "article.html", article=data, latest=data["latest"], versions=versions, timeline=timeline
    )


def _version_number(value: str | None) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    # ASCII only: str.isdigit() also accepts "²", which int() refuses.
    if not (text.isascii() and text.isdigit()):
        raise RequestError(400, f"version must be a whole number, not {value!r}")
    return int(text)


@router.get("/web/articles/{article_id}/diff", response_class=HTMLResponse)
def diff_page(request: Request, article_id: str) -> HTMLResponse:
    number = _article_id(article_id)
    old = _version_number(request.query_params.get("from"))
    new = _version_number(request.query_params.get("to"))
    with request.app.state.archive.sessions() as session:
        article = reads.article_by_id(session, number)
        pair = reads.version_pair(session, article, old, new)
        versions = reads.version_summaries(session, article)
        url = article.canonical_url
        return render(
            request,
            "diff.html",
            article_id=article.id,
            url=url,
            old=reads.version_dict(article, pair.old),
            new=reads.version_dict(article, pair.new),
            fields=pair.diff.fields,
            values=pair.diff.values,
            summary=pair.diff.summary,
            notice=pair.diff.notice,
            versions=versions,
        )


@router.get("/web/articles/{article_id}/versions/{number}", response_class=HTMLResponse)
def version_page(request: Request, article_id: str, number: str) -> HTMLResponse:
    """One version's full text, as archived, with its neighbours one link away."""
    wanted = _version_number(number)
    with request.app.state.archive.sessions() as session:
        article = reads.article_by_id(session, _article_id(article_id))
        if wanted is None or not 0 < wanted <= reads.MAX_ID:
            raise NotFound(f"article {article.canonical_url} has no version {number}")
        version = reads.version_dict(article, get_version(session, article, wanted))
    return render(request, "version.html", version=version)


@router.get("/web/capture", response_class=HTMLResponse)
def capture_form(request: Request) -> HTMLResponse:
    settings = request.app.state.settings
    return render(
        request, "capture.html", enabled=bool(settings.capture_token), url="", result=None, error=None
    )


@router.post("/web/capture", response_class=HTMLResponse)
async def capture_submit(request: Request) -> HTMLResponse:
    settings = request.app.state.settings
    # Capped while it arrives (newsarchive.crawler.web.limits): past the cap
    # this raises and the request is answered 413 with the rest unread.
    body = await request.body()
    # A urlencoded form parsed by hand: no multipart dependency for two fields.
    form = dict(parse_qsl(body.decode("utf-8", "replace")))
    url = form.get("url", "").strip()
    context: dict[str, Any] = {"enabled": bool(settings.capture_token), "url": url, "result": None}
    problem = token_problem(settings, form.get("token"))
    if problem is not None:
        return render(request, "capture.html", problem[0], error=problem[1], **context)
    try:
        status, result = await request.app.state.capture.capture(url)
    except CaptureError as exc:
        return render(
            request, "capture.html", exc.status, error=exc.message, **{**context, "result": exc.result}
        )
    return render(request, "capture.html", status, error=None, **{**context, "result": result})
