"""The API's documentation pages without a CDN.

FastAPI's own /docs (Swagger UI) and /redoc load their JavaScript and CSS
from a CDN, so on a machine without internet access (a closed network, a
laptop in the field) they are blank pages. fastapi-offline, part of the
`api` extra, ships the same Swagger UI and ReDoc bundles and serves them from
the app itself (under /static-offline-docs); all that still reaches out is
ReDoc's footer logo, an image that hides itself when it cannot load. Where
fastapi-offline is not installed, /docs and /redoc say so and link the
OpenAPI document instead of rendering nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

UNAVAILABLE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>newsarchive API documentation</title></head>
<body>
<h1>API documentation</h1>
<p>The interactive documentation is served from local files by the
<code>fastapi-offline</code> package, which is not installed here
(<code>pip install 'newsarchive[api]'</code> installs it).</p>
<p>The API's description is at <a href="/openapi.json">/openapi.json</a>
(OpenAPI 3), readable by any OpenAPI tool.</p>
</body>
</html>
"""


def _unavailable() -> HTMLResponse:
    return HTMLResponse(UNAVAILABLE)


def documented_app(**kwargs: Any) -> FastAPI:
    """A FastAPI app (keyword arguments as FastAPI's) whose /docs and /redoc work offline, or say why not."""
    try:
        from fastapi_offline import FastAPIOffline
    except ImportError:
        app = FastAPI(docs_url=None, redoc_url=None, **kwargs)
        for path in ("/docs", "/redoc"):
            app.add_api_route(path, _unavailable, include_in_schema=False, response_class=HTMLResponse)
        return app
    return FastAPIOffline(**kwargs)
