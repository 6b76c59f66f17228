"""HTML rendering shared by the pages and the error handlers: the Jinja2 environment and page headers.

Everything from the archive goes through Jinja2 with autoescaping on:
archived titles and texts are whatever a web page said, `<script>` included.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from newsarchive.crawler.web.diffblocks import blocks
from newsarchive.crawler.web.highlight import marked

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
    env.globals["diff_blocks"] = blocks
    env.globals["marked"] = marked
    return Jinja2Templates(env=env)


def render(request: Request, name: str, code: int = 200, /, **context: Any) -> HTMLResponse:
    """Template `name` with the page headers (the app keeps the templates in app.state)."""
    return request.app.state.templates.TemplateResponse(
        request, name, context, status_code=code, headers=PAGE_HEADERS
    )


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status, status=status, message=message)
