"""Page kinds: walls and junk are told from articles (newsarchive.crawler.extract.walls).

Recall on the wall pages in fixtures/walls (named <kind>.<name>.html), and
precision at the boundary: real articles carrying the same furniture as
walls (a cookie banner, a subscribe box, a login form, a captcha in the
comments, "404" in the headline) stay articles. bench/walls.py measures the
same over all 1,023 evaluation pages.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newsarchive.crawler.extract import extract_article
from newsarchive.crawler.extract.walls import KINDS, WALL_KINDS
from tests.extract.conftest import FIXTURES

WALLS = sorted((FIXTURES / "walls").glob("*.html"))
REAL = sorted((FIXTURES / "real").glob("*/pages/*.html.gz"))
URL = "https://news.example.com/2026/story.html"

PARAGRAPHS = " ".join(
    f"<p>Paragraph {i} of the council report: the harbour authority said the new ferry timetable, "
    "agreed after months of talks with residents and the operator, would start in the spring and "
    "add an early crossing so that pupils reach the secondary school on time.</p>"
    for i in range(8)
)


def _page(head: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )


def test_every_wall_kind_has_fixture_pages() -> None:
    found = {path.name.split(".")[0] for path in WALLS}
    assert found == set(WALL_KINDS) and set(KINDS) == {"article", *WALL_KINDS}
    assert len(WALLS) >= 3 * len(WALL_KINDS) - 1


@pytest.mark.parametrize("path", WALLS, ids=[p.name for p in WALLS])
def test_wall_pages_are_recognised(path: Path) -> None:
    assert extract_article(path.read_bytes(), URL).kind == path.name.split(".")[0]


@pytest.mark.parametrize("path", REAL, ids=[p.name[:24] for p in REAL])
def test_real_articles_are_articles(path: Path) -> None:
    article = extract_article(gzip.decompress(path.read_bytes()), URL)
    # "empty" only where the extractor found no text at all (one Korean page):
    # an extraction failure, recorded as a failure before walls existed, not a wall.
    assert article.kind == "article" or (article.kind == "empty" and not article.text.strip())


BANNER = (
    "<div id='onetrust-banner-sdk'><p>We use cookies and similar technologies. With your consent we show "
    "personalised ads. Accept all or reject all, or manage cookie settings.</p>"
    "<button>Accept all</button><button>Reject all</button></div>"
)
FURNITURE = {
    "cookie banner": BANNER,
    "subscribe box": "<aside class='paywall piano'><p>Subscribe to continue reading our best journalism. "
    "Already a subscriber? Log in.</p></aside>",
    "login form": "<form><p>Please sign in to comment.</p><input type='password' name='pw'></form>",
    "captcha in the comments": "<form class='comments'><div class='g-recaptcha'></div></form>",
}


@pytest.mark.parametrize("name", FURNITURE)
def test_an_article_with_wall_furniture_is_an_article(name: str) -> None:
    html = _page(
        "<title>Ferry timetable agreed</title>",
        f"{FURNITURE[name]}<article><h1>Ferry timetable agreed</h1>{PARAGRAPHS}</article>",
    )
    assert extract_article(html, URL).kind == "article"


def test_an_article_about_a_404_or_cookies_is_an_article() -> None:
    for title, topic in (
        ("Why the 404 page not found error still haunts the web", "404 page not found"),
        ("Regulator fines site over cookie consent banners", "consent banners that say accept all"),
    ):
        body = PARAGRAPHS.replace("the new ferry timetable", topic)
        assert (
            extract_article(
                _page(f"<title>{title}</title>", f"<article><h1>{title}</h1>{body}</article>"), URL
            ).kind
            == "article"
        )


def test_a_short_paywalled_article_with_full_text_is_an_article() -> None:
    """Marked not free, served whole (to subscribers, or to crawlers): the text is the article."""
    head = '<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}</script>'
    body = "<article><h1>Ferry timetable agreed</h1>" + PARAGRAPHS[: len(PARAGRAPHS) // 2] + "</article>"
    article = extract_article(_page(head, body), URL)
    assert "paywall" in article.flags and article.kind == "article"


BRIEF = (
    "<p>The coastal road between the harbour and the lighthouse reopened on Friday morning after a "
    "landslip closed it for nine days. Highway engineers said the slope had been stabilised with rock "
    "anchors and a new drainage channel, and that a temporary speed limit of 30 miles an hour would "
    "stay in place until the resurfacing is finished next month.</p><p>Bus services on the route "
    "resume on Monday, the operator said.</p>"
)
SHORT_FURNITURE = {
    "subscriber link in the header": (
        "Coastal road reopens",
        "<header><a href='/subscribe'>Subscribe</a> Already a subscriber? <a href='/login'>Log in</a></header>",
    ),
    "login form for comments": (
        "Coastal road reopens",
        "<form class='comments'><p>Log in to comment</p><input type='password' name='pw'></form>",
    ),
    "captcha in the comments": ("Coastal road reopens", "<form><div class='g-recaptcha'></div></form>"),
    "404 in the headline": ("Route 404 reopens after landslip", ""),
    "not found in the headline": ("Missing walker not found after coastal search", ""),
}


@pytest.mark.parametrize("name", SHORT_FURNITURE)
def test_a_short_brief_with_wall_furniture_is_an_article(name: str) -> None:
    """A 70-word brief is short enough to be a wall: only the wall's own signals may decide."""
    title, furniture = SHORT_FURNITURE[name]
    html = _page(f"<title>{title}</title>", f"{furniture}<article><h1>{title}</h1>{BRIEF}</article>")
    article = extract_article(html, URL)
    assert len(article.text.split()) < 150  # the boundary this test is about
    assert article.kind == "article"
