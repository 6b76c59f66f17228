"""GET /web/charts: per source, articles archived and edits found per day, and the share edited.

The window is a date range of at most a year (newsarchive.storage.research.charts.MAX_DAYS);
by default the 30 days up to the newest article, so an archive that stopped
crawling last month still shows its last month, not an empty one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from newsarchive.crawler.web.charts.bars import daily_bars, share_bars
from newsarchive.crawler.web.errors import PageRoute, RequestError, clip
from newsarchive.crawler.web.render import render
from newsarchive.storage.research.charts import BadWindow, Window, latest_day, source_activity
from newsarchive.storage.research.names import unknown_names

router = APIRouter(include_in_schema=False, route_class=PageRoute)

DEFAULT_DAYS = 30


def _day(name: str, value: str | None) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RequestError(400, f"{name} must be a date like 2026-03-01, not {clip(text, 40)!r}") from None


@router.get("/web/charts", response_class=HTMLResponse)
def charts_page(request: Request) -> HTMLResponse:
    query = request.query_params
    source = (query.get("source") or "").strip() or None
    first, last = _day("from", query.get("from")), _day("to", query.get("to"))
    with request.app.state.archive.sessions() as session:
        problems = unknown_names(session, source=source) if source else []
        if problems:
            raise RequestError(400, problems[0])
        end = last or latest_day(session) or datetime.now(UTC).date()
        try:
            window = Window.checked(first, end) if first else Window.last(DEFAULT_DAYS, end)
        except BadWindow as exc:
            raise RequestError(400, str(exc)) from None
        activity = source_activity(session, window, source)
    days = window.days()
    charts = [
        {
            "item": item,
            "archived": daily_bars(
                days,
                item.series("archived", window),
                f"Articles archived per day: {item.source}",
                "articles archived",
                "archived",
            ),
            "edits": daily_bars(
                days,
                item.series("edits", window),
                f"Edits found per day: {item.source}",
                "edits found",
                "edits",
            ),
            "rows": [
                (day, archived, edits)
                for day, archived, edits in zip(
                    days, item.series("archived", window), item.series("edits", window), strict=True
                )
                if archived or edits
            ],
        }
        for item in activity
    ]
    shares = share_bars(
        [(item.source, item.edited, item.articles) for item in activity if item.articles],
        "Share of the articles first archived in this window that were edited afterwards",
    )
    return render(
        request, "charts.html", window=window, source=source, charts=charts, shares=shares, activity=activity
    )
