"""Server-rendered pages: search, an article's timeline, a side-by-side diff, a capture form.

Plain HTML forms and links, no JavaScript; rendering (autoescaped, with
restrictive headers) is newsarchive.crawler.web.render's. Errors are raised and answered
as the HTML error page by newsarchive.crawler.web.errors, because this router's routes
are PageRoutes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from newsarchive.crawler.web import reads
from newsarchive.crawler.web.capture import CaptureError
from newsarchive.crawler.web.deps import token_problem
from newsarchive.crawler.web.errors import PageRoute, RequestError, clip
from newsarchive.crawler.web.params import SearchParams
from newsarchive.crawler.web.render import render
from newsarchive.crawler.web.searching import run_search
from newsarchive.storage.research.changes import FILTER_KINDS, check_kinds, recent_changes
from newsarchive.storage.research.read import NotFound
from newsarchive.storage.research.search.query import BadQuery

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'query'}: {e['msg']}" for e in exc.errors())


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request) -> HTMLResponse:
    # The form comes back filled in; a value past any field's limit is
    # refused below, and comes back cut, not whole.
    form = {k: clip(v, 1000) for k, v in request.query_params.items()}
    try:
        params = SearchParams.from_form(form)
    except ValidationError as exc:
        return render(request, "search.html", 400, form=form, error=_validation_message(exc), page=None)
    if params.q is None and "sort" not in params.model_fields_set:
        # Nothing to rank by: the newest articles are the useful default.
        params = params.model_copy(update={"sort": "date"})
    try:
        page = run_search(request, params)
    except BadQuery as exc:
        # Not the app's error page: the form comes back filled in, with the reason.
        return render(request, "search.html", 400, form=form, error=str(exc), page=None)
    links = {}
    base = params.as_form()
    if page.offset > 0:
        links["prev"] = "/?" + urlencode({**base, "offset": max(page.offset - page.limit, 0)})
    if page.offset + len(page.hits) < page.total:
        links["next"] = "/?" + urlencode({**base, "offset": page.offset + page.limit})
    return render(request, "search.html", form=form, error=None, page=page, links=links)


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
    return render(request, "article.html", article=data, latest=data["latest"], versions=versions)


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


@router.get("/web/changes", response_class=HTMLResponse)
def changes_page(request: Request) -> HTMLResponse:
    """Recent edits, filtered by kind (any of the ticked ones), source and domain."""
    chosen = request.query_params.getlist("kind")
    source = request.query_params.get("source") or None
    domain = request.query_params.get("domain") or None
    try:
        check_kinds(chosen)
    except ValueError as exc:
        raise RequestError(400, str(exc)) from None
    with request.app.state.archive.sessions() as session:
        rows = list(recent_changes(session, source=source, domain=domain, kinds=chosen, limit=200))
    return render(
        request,
        "changes.html",
        changes=rows,
        chosen=chosen,
        all_kinds=FILTER_KINDS,
        source=source,
        domain=domain,
        error=None,
    )


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
