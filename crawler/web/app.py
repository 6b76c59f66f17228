"""The web application: the JSON API and the HTML pages over one archive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from newsarchive.crawler.web import api, changes_page, errors, memento, pages, render, replay
from newsarchive.crawler.web.capture import CaptureService
from newsarchive.crawler.web.charts import routes as chart_routes
from newsarchive.crawler.web.config import WebSettings
from newsarchive.crawler.web.docs import documented_app
from newsarchive.crawler.web.limits import BodyLimit
from newsarchive.crawler.web.searching import SearchSlots
from newsarchive.crawler.web.security_headers import SecurityHeaders
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig

HERE = Path(__file__).parent

DESCRIPTION = """
Read the newsarchive: search articles, list an article's versions, read any
version, and compare two versions word by word. `POST /captures` archives a
URL on demand (bearer token; private addresses refused).

Times come in two kinds: *observed* (`first_seen`, `last_seen`,
`last_checked`: when the archive saw the page) and *declared* (`published`,
`modified`: what the publisher says).
"""


def create_app(config: ArchiveConfig, settings: WebSettings | None = None) -> FastAPI:
    """The app for one archive. Opening the archive creates or upgrades its schema."""
    settings = settings or WebSettings()
    archive = Archive(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            archive.close()

    app = documented_app(
        title="newsarchive",
        summary="Every version of every archived news article.",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        openapi_tags=[
            {"name": "articles", "description": "Search, articles, their versions and diffs."},
            {"name": "versions", "description": "Archived versions by id."},
            {"name": "captures", "description": "Archive a URL on demand."},
        ],
    )
    app.state.archive = archive
    app.state.settings = settings
    app.state.capture = CaptureService(config, settings)
    app.state.search_slots = SearchSlots(settings.max_parallel_searches)
    app.state.templates = render.templates(HERE / "templates")
    errors.install(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(replay.router)
    app.include_router(memento.router)
    app.include_router(changes_page.router)
    app.include_router(chart_routes.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # Outermost: error answers and static files get the headers too.
    app.add_middleware(SecurityHeaders)
    return app
