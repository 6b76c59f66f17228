"""Server-rendered pages: search, an article's timeline, a side-by-side diff, a capture form.

Plain HTML forms and links, no JavaScript. Everything from the archive goes
through Jinja2 with autoescaping on: archived titles and texts are whatever
a web page said, `<script>` included.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from crawler.web import reads
from crawler.web.capture import CaptureError
from crawler.web.deps import token_problem
from crawler.web.params import SearchParams
from storage.read import NotFound
from storage.search import BadQuery, search

router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 16_384
# Defence in depth for pages full of archived text: even if something slipped
# past autoescaping, no script, frame or foreign resource would load; and a
# click through to a news site does not tell it what the researcher was reading.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def change_badges(changes: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(css class, label) badges summarising what a version changed."""
    if not changes:
        return []
    if changes.get("first"):
        return [("first", "first version")]
    badges = []
    if changes.get("headline_changed"):
        badges.append(("headline", "headline changed"))
    if changes.get("words_added"):
        badges.append(("added", f"+{changes['words_added']} words"))
    if changes.get("words_removed"):
        badges.append(("removed", f"−{changes['words_removed']} words"))
    for key, label in (
        ("captions_changed", "captions changed"),
        ("authors_changed", "byline changed"),
        ("dates_changed", "dates changed"),
        ("note_appeared", "correction/update note"),
    ):
        if changes.get(key):
            badges.append((key.split("_")[0], label))
    return badges or [("none", "no text change")]


def templates(directory: Path) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,  # explicit: every archived string is untrusted HTML
        undefined=jinja2.StrictUndefined,
    )
    env.filters["when"] = _when
    env.globals["change_badges"] = change_badges
    return Jinja2Templates(env=env)


def _render(request: Request, name: str, code: int = 200, /, **context: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, name, context, status_code=code, headers=PAGE_HEADERS
    )


def _error(request: Request, status: int, message: str) -> HTMLResponse:
    return _render(request, "error.html", status, status=status, message=message)


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'query'}: {e['msg']}" for e in exc.errors())


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request) -> HTMLResponse:
    form = dict(request.query_params)
    try:
        params = SearchParams.from_form(form)
    except ValidationError as exc:
        return _render(request, "search.html", 400, form=form, error=_validation_message(exc), page=None)
    if params.q is None and "sort" not in params.model_fields_set:
        # Nothing to rank by: the newest articles are the useful default.
        params = params.model_copy(update={"sort": "date"})
    try:
        with request.app.state.archive.sessions() as session:
            page = search(session, params.to_query())
    except BadQuery as exc:
        return _render(request, "search.html", 400, form=form, error=str(exc), page=None)
    links = {}
    base = params.as_form()
    if page.offset > 0:
        links["prev"] = "/?" + urlencode({**base, "offset": max(page.offset - page.limit, 0)})
    if page.offset + len(page.hits) < page.total:
        links["next"] = "/?" + urlencode({**base, "offset": page.offset + page.limit})
    return _render(request, "search.html", form=form, error=None, page=page, links=links)


@router.get("/web/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    if not article_id.isdigit():
        return _error(request, 404, f"no article with id {article_id}")
    with request.app.state.archive.sessions() as session:
        try:
            article = reads.article_by_id(session, int(article_id))
            data = reads.article_dict(session, article)
            versions = reads.version_summaries(session, article)
        except NotFound as exc:
            return _error(request, 404, str(exc))
    return _render(request, "article.html", article=data, latest=data["latest"], versions=versions)


def _version_number(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    if not value.strip().isdigit():
        raise ValueError(f"version must be a whole number, not {value!r}")
    return int(value)


@router.get("/web/articles/{article_id}/diff", response_class=HTMLResponse)
def diff_page(request: Request, article_id: str) -> HTMLResponse:
    if not article_id.isdigit():
        return _error(request, 404, f"no article with id {article_id}")
    try:
        old = _version_number(request.query_params.get("from"))
        new = _version_number(request.query_params.get("to"))
    except ValueError as exc:
        return _error(request, 400, str(exc))
    with request.app.state.archive.sessions() as session:
        try:
            article = reads.article_by_id(session, int(article_id))
            pair = reads.version_pair(session, article, old, new)
            versions = reads.version_summaries(session, article)
            url = article.canonical_url
        except NotFound as exc:
            return _error(request, 404, str(exc))
        return _render(
            request,
            "diff.html",
            article_id=article.id,
            url=url,
            old=reads.version_dict(article, pair.old),
            new=reads.version_dict(article, pair.new),
            fields=pair.diff.fields,
            values=pair.diff.values,
            summary=pair.diff.summary,
            versions=versions,
        )


@router.get("/web/capture", response_class=HTMLResponse)
def capture_form(request: Request) -> HTMLResponse:
    settings = request.app.state.settings
    return _render(
        request, "capture.html", enabled=bool(settings.capture_token), url="", result=None, error=None
    )


@router.post("/web/capture", response_class=HTMLResponse)
async def capture_submit(request: Request) -> HTMLResponse:
    settings = request.app.state.settings
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return _error(request, 413, "form too large")
    # A urlencoded form parsed by hand: no multipart dependency for two fields.
    form = dict(parse_qsl(body.decode("utf-8", "replace")))
    url = form.get("url", "").strip()
    context: dict[str, Any] = {"enabled": bool(settings.capture_token), "url": url, "result": None}
    problem = token_problem(settings, form.get("token"))
    if problem is not None:
        return _render(request, "capture.html", problem[0], error=problem[1], **context)
    try:
        status, result = await request.app.state.capture.capture(url)
    except CaptureError as exc:
        return _render(
            request, "capture.html", exc.status, error=exc.message, **{**context, "result": exc.result}
        )
    return _render(request, "capture.html", status, error=None, **{**context, "result": result})
