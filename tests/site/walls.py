"""Walls and junk served with status 200, under /walls/: what real sites put in place of an article.

Each wall is one of the wall pages the extractor tests use
(tests/extract/fixtures/walls). /walls/sometimes.html serves the article
or a consent wall by the number of times it was fetched (?pattern=AW:
A the article, W the wall, repeated), as sites do when a consent prompt
shows to some requests and not others.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from tests.site.response import Response, text

WALL_PAGES = Path(__file__).resolve().parents[1] / "extract" / "fixtures" / "walls"

# /walls/<name> -> the fixture it serves
WALLS = {
    "consent.html": "consent_wall.onetrust-de.html",
    "paywall.html": "paywall.piano-en.html",
    "bot-challenge.html": "bot_challenge.cloudflare.html",
    "login.html": "login_wall.register-en.html",
    "soft-404.html": "soft_404.en.html",
    "error.html": "error_page.500-en.html",
}

_PARAGRAPHS = (
    "The harbour authority approved the new ferry timetable on Tuesday after months of debate, "
    "and the first early crossing will sail on the first Monday of April.",
    "Residents of the island had asked for an earlier morning sailing so that children could reach "
    "the secondary school on the mainland before the first lesson, and the operator agreed to add a "
    "crossing at 6.45am on weekdays during term time.",
    "The authority's chair said the change would cost about 40,000 pounds a year in fuel and crew, "
    "to be met from the harbour's reserves for the first two years while passenger numbers are counted.",
    "Parents' groups welcomed the decision but said the evening return, which still leaves at 5pm, "
    "was too early for pupils who stay for clubs and sport, and asked for a review after one term.",
    "The operator said it would publish the full timetable next week and that tickets for the new "
    "sailing would cost the same as the existing morning crossing.",
)
ARTICLE_TITLE = "Ferry timetable adds an early crossing for pupils"


def article_html() -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{ARTICLE_TITLE} | Local News</title>"
        "<meta name='author' content='Jane Harbour'></head><body>"
        "<header><a href='/'>Local News</a></header>"
        f"<article><h1>{ARTICLE_TITLE}</h1><p class='byline'>By Jane Harbour</p>{paragraphs}</article>"
        "</body></html>"
    )


@cache
def _wall(fixture: str) -> str:
    return (WALL_PAGES / fixture).read_text(encoding="utf-8")


def wall(name: str, q: Mapping[str, str], hits: int) -> Response | None:
    """The response for /walls/<name>, or None when there is no such page.

    hits: how many times this exact request target was fetched, this request included.
    """
    if name == "sometimes.html":
        pattern = q.get("pattern", "AW") or "A"
        served = pattern[(hits - 1) % len(pattern)]
        return text(_wall(WALLS["consent.html"]) if served == "W" else article_html())
    fixture = WALLS.get(name)
    return text(_wall(fixture)) if fixture else None


WALL_ROUTES = {
    "sometimes.html": "the article, or a consent wall, by fetch count (?pattern=AW: A article, W wall)",
    **{name: f"always {fixture.split('.')[0]} ({fixture}), status 200" for name, fixture in WALLS.items()},
}
