"""The JSON API: search, articles, versions, diffs and on-demand capture.

Unknown ids (newsarchive.storage.research.read.NotFound) and queries the search cannot run
(newsarchive.storage.research.search.query.BadQuery) propagate: newsarchive.crawler.web.errors answers them as
404 and 400 with `{"detail": message}`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from newsarchive.crawler.web import reads
from newsarchive.crawler.web.capture import CaptureError, CaptureService
from newsarchive.crawler.web.config import WebSettings
from newsarchive.crawler.web.deps import get_capture_service, get_session, get_settings, token_problem
from newsarchive.crawler.web.params import SearchParams
from newsarchive.crawler.web.query_checks import check_known_names, refuse_unknown_parameters
from newsarchive.crawler.web.schemas import (
    ArticleOut,
    CaptureErrorOut,
    CaptureIn,
    CaptureOut,
    ChangeListOut,
    DiffOut,
    ErrorOut,
    SearchOut,
    SimilarOut,
    VersionListOut,
    VersionOut,
)
from newsarchive.crawler.web.searching import run_search
from newsarchive.storage.research.changes import check_kinds, recent_changes

# A parameter the route does not take is refused (422), not ignored (newsarchive.crawler.web.query_checks).
router = APIRouter(dependencies=[Depends(refuse_unknown_parameters)])
bearer = HTTPBearer(auto_error=False, description="The token given to `newsarchive serve --capture-token`.")

SessionDep = Annotated[Session, Depends(get_session)]
ArticleId = Annotated[int, Path(ge=1, le=reads.MAX_ID, description="Article id.")]
VersionNumber = Annotated[int | None, Query(ge=1, le=reads.MAX_ID)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "Unknown id"}}


@router.get(
    "/articles",
    response_model=SearchOut,
    summary="Search articles",
    description="Full-text search and filters over the archive; the latest version of each article "
    "unless all_versions is set.",
    tags=["articles"],
    responses={
        400: {
            "model": ErrorOut,
            "description": "A query the search cannot run, too broad to finish in time, "
            "or a source or domain no article carries",
        },
        503: {"model": ErrorOut, "description": "Too many searches at once; retry after Retry-After seconds"},
    },
)
def search_articles(request: Request, params: Annotated[SearchParams, Query()]) -> dict[str, Any]:
    # A short session of its own: the search takes another, and this one must not sit idle meanwhile.
    with request.app.state.archive.sessions() as session:
        check_known_names(session, source=params.source, domain=params.domain)
    page = run_search(request, params)
    return {
        "total": page.total,
        "total_exact": page.total_exact,
        "limit": page.limit,
        "offset": page.offset,
        "next_cursor": page.next_cursor,
        "ranked": page.ranked,
        "hits": [hit.to_dict() for hit in page.hits],
    }


@router.get(
    "/articles/{article_id}",
    response_model=ArticleOut,
    summary="An article with its latest version",
    tags=["articles"],
    responses=NOT_FOUND,
)
def get_article(session: SessionDep, article_id: ArticleId) -> dict[str, Any]:
    return reads.article_dict(session, reads.article_by_id(session, article_id))


@router.get(
    "/articles/{article_id}/versions",
    response_model=VersionListOut,
    summary="An article's versions, oldest first",
    tags=["articles"],
    responses=NOT_FOUND,
)
def get_article_versions(session: SessionDep, article_id: ArticleId) -> dict[str, Any]:
    article = reads.article_by_id(session, article_id)
    return {
        "article_id": article.id,
        "url": article.canonical_url,
        "versions": reads.version_summaries(session, article),
    }


@router.get(
    "/articles/{article_id}/similar",
    response_model=SimilarOut,
    summary="The same story at other URLs and outlets",
    description="The other articles in this article's story cluster (MinHash over word shingles), "
    "first seen first, with their estimated similarity; `cluster` names the first-seen outlet.",
    tags=["articles"],
    responses=NOT_FOUND,
)
def get_similar_articles(session: SessionDep, article_id: ArticleId) -> dict[str, Any]:
    return reads.similar_dict(session, reads.article_by_id(session, article_id))


@router.get(
    "/articles/{article_id}/diff",
    response_model=DiffOut,
    summary="Word-level diff between two versions",
    description="Headline, text and captions, as runs of equal, deleted and inserted text. "
    "Defaults: `to` is the latest version, `from` the one before it.",
    tags=["articles"],
    responses=NOT_FOUND,
)
def get_article_diff(
    session: SessionDep,
    article_id: ArticleId,
    from_version: Annotated[VersionNumber, Query(alias="from", description="Older version number.")] = None,
    to_version: Annotated[VersionNumber, Query(alias="to", description="Newer version number.")] = None,
) -> dict[str, Any]:
    article = reads.article_by_id(session, article_id)
    return reads.version_pair(session, article, from_version, to_version).to_dict()


@router.get(
    "/changes",
    response_model=ChangeListOut,
    summary="Recent edits across the archive, newest first",
    description="Versions after the first, filtered by kind of edit (any of the `kind` values given), "
    "source, domain and when they were first seen.",
    tags=["versions"],
    responses={400: {"model": ErrorOut, "description": "An unknown kind of edit, source or domain"}},
)
def list_changes(
    session: SessionDep,
    kind: Annotated[
        list[str],
        Query(
            description="typo, wording, substantive, headline, byline, "
            "correction, live-update, revert, rewrite or headline-test (an A/B test of headlines); "
            "repeat for any of several."
        ),
    ] = [],  # noqa: B006
    source: Annotated[str | None, Query(max_length=200)] = None,
    domain: Annotated[str | None, Query(max_length=300)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    include_extractor: Annotated[
        bool, Query(description="Also versions made by a re-extraction (an extractor change, not an edit).")
    ] = False,
) -> dict[str, Any]:
    try:
        check_kinds(kind)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    check_known_names(session, source=source, domain=domain)
    entries = recent_changes(
        session,
        source=source,
        domain=domain,
        since=since,
        until=until,
        kinds=kind,
        limit=limit,
        include_extractor=include_extractor,
    )
    return {"changes": [entry.to_dict() for entry in entries]}


@router.get(
    "/versions/{version_id}",
    response_model=VersionOut,
    summary="One archived version",
    tags=["versions"],
    responses=NOT_FOUND,
)
def get_version_by_id(
    session: SessionDep, version_id: Annotated[int, Path(ge=1, le=reads.MAX_ID, description="Version id.")]
) -> dict[str, Any]:
    article, version = reads.version_by_id(session, version_id)
    return reads.version_dict(article, version)


@router.post(
    "/captures",
    response_model=CaptureOut,
    status_code=201,
    summary="Capture a URL now",
    description="Fetches and archives one URL (robots.txt obeyed). 201: a new article or version; "
    "200: unchanged. Needs the server's bearer token; private, loopback, link-local and cloud "
    "metadata addresses are refused, on every redirect hop; --allow-private lets private and loopback "
    "ones through, never metadata or link-local.",
    tags=["captures"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CaptureIn.model_json_schema()}},
        }
    },
    responses={
        200: {"model": CaptureOut, "description": "Captured; nothing changed"},
        400: {"model": ErrorOut, "description": "Not a URL that can be captured"},
        401: {"model": ErrorOut, "description": "Missing or wrong token"},
        403: {"model": ErrorOut, "description": "Capture over HTTP is off, or the target is refused"},
        413: {"model": ErrorOut, "description": "Body larger than the server's cap"},
        502: {"model": CaptureErrorOut, "description": "The capture ran and failed"},
        504: {"model": ErrorOut, "description": "The capture timed out"},
    },
)
async def post_capture(
    request: Request,
    settings: Annotated[WebSettings, Depends(get_settings)],
    service: Annotated[CaptureService, Depends(get_capture_service)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Any:
    # The token first, the body after: FastAPI reads a declared body model
    # before any dependency runs, so an anonymous client could make the
    # server read (up to the cap) before being refused. The body is read
    # here, by hand, through the size cap of newsarchive.crawler.web.limits.
    problem = token_problem(settings, credentials.credentials if credentials else None)
    if problem is not None:
        status, message = problem
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        raise HTTPException(status, message, headers=headers)
    try:
        body = CaptureIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False), body=None) from None
    try:
        status, result = await service.capture(body.url)
    except CaptureError as exc:
        content: dict[str, Any] = {"detail": exc.message}
        if exc.result is not None:
            content["result"] = CaptureOut.model_validate(exc.result).model_dump()
        return JSONResponse(content, status_code=exc.status)
    return JSONResponse(CaptureOut.model_validate(result).model_dump(), status_code=status)
