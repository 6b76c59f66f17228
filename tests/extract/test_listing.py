"""Article or not: section fronts, tag pages and gallery indexes (newsarchive.crawler.extract.walls.listing).

Recall on tests/site's listing pages (home, sections, tags, authors) and on
the listing fixtures under fixtures/walls; precision at the boundary: an
article with a teaser box, a roundup article of linked headlines, an
article without any markup, all stay articles. bench/walls.py counts the
evaluation pages (all articles) taken for a listing.
"""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsarchive.crawler.extract import extract_article
from newsarchive.crawler.extract.walls import LISTING_KINDS, WALL_KINDS
from tests.extract.conftest import FIXTURES
from tests.site import NewsSite

URL = "https://news.example.com/2026/03/02/story.html"
FETCHED = datetime(2026, 3, 3, tzinfo=UTC)
LISTINGS = sorted(p for k in LISTING_KINDS for p in (FIXTURES / "walls").glob(f"{k}.*.html"))

PARAGRAPHS = "".join(
    f"<p>Paragraph {i} of the council report: the harbour authority said the new ferry timetable, "
    "agreed after months of talks with residents and the operator, would start in the spring and "
    "add an early crossing so that pupils reach the secondary school on time.</p>"
    for i in range(8)
)
TEASERS = "".join(
    f"<li class='teaser'><a href='/2026/02/{i:02d}/story-{i}.html'>Headline number {i} about the harbour "
    f"works</a><p>A short summary of story {i} for the reader.</p></li>"
    for i in range(1, 13)
)


def _get(site: NewsSite, path: str) -> bytes:
    with urllib.request.urlopen(site.url(path)) as response:
        return bytes(response.read())


def test_listing_kinds_are_never_versions() -> None:
    assert set(LISTING_KINDS) <= WALL_KINDS
    assert {p.name.split(".")[0] for p in LISTINGS} == set(LISTING_KINDS)


@pytest.mark.parametrize("path", LISTINGS, ids=[p.name for p in LISTINGS])
def test_listing_fixtures_are_not_articles_and_carry_no_date(path: Path) -> None:
    article = extract_article(path.read_bytes(), URL, fetched_at=FETCHED)
    assert article.kind == path.name.split(".")[0] and not article.is_article
    # Every teaser has a <time>: a date is there to be found, and must not be taken.
    assert article.published is None and article.modified is None


def test_the_local_sites_listing_pages_are_recognised_and_its_articles_are_articles(
    news_site: NewsSite,
) -> None:
    expected = {
        "/": "section_front",
        "/world/": "section_front",
        "/business/": "section_front",
        f"/author/{news_site.articles[0].author_slug}/": "tag_page",
        **{f"/tag/{tag}/": "tag_page" for a in news_site.articles for tag in a.tags},
    }
    found = {
        path: extract_article(_get(news_site, path), news_site.url(path), fetched_at=FETCHED)
        for path in expected
    }
    assert {p: a.kind for p, a in found.items()} == expected
    assert all(a.published is None for a in found.values())
    for spec in news_site.articles:
        article = extract_article(_get(news_site, spec.path), news_site.url(spec.path), fetched_at=FETCHED)
        assert article.is_article and article.published, spec.path


def _page(head: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )


def test_an_article_with_a_teaser_box_and_no_markup_at_all_is_an_article() -> None:
    html = _page(
        "<title>Ferry timetable agreed</title>",
        f"<article><h1>Ferry timetable agreed</h1>{PARAGRAPHS}</article>"
        f"<aside><h2>More from the coast</h2><ul>{TEASERS}</ul></aside>",
    )
    article = extract_article(html, URL, fetched_at=FETCHED)
    assert article.is_article and "Paragraph 7" in article.text


def test_a_roundup_article_of_linked_headlines_is_an_article_when_it_says_so() -> None:
    """'Ten things to know today': teasers only, but the page declares a NewsArticle."""
    head = (
        "<title>Ten things to know today</title>"
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Ten things to know today",'
        '"datePublished":"2026-03-02T07:00:00Z"}</script>'
    )
    article = extract_article(_page(head, f"<main><h1>Ten things</h1><ul>{TEASERS}</ul></main>"), URL)
    assert article.is_article and (article.published or "").startswith("2026-03-02T07:00")


def test_the_same_teasers_without_article_markup_are_a_section_front() -> None:
    head = '<title>Coast | Gazette</title><meta property="og:type" content="website">'
    article = extract_article(_page(head, f"<main><h1>Coast</h1><ul>{TEASERS}</ul></main>"), URL)
    assert article.kind == "section_front" and article.published is None


def test_a_tag_archive_that_claims_og_type_article_is_still_a_listing() -> None:
    """WordPress SEO plugins stamp og:type article on archives; JSON-LD CollectionPage says what it is."""
    head = (
        '<title>harbour Archives</title><meta property="og:type" content="article">'
        '<script type="application/ld+json">{"@graph":[{"@type":"CollectionPage","name":"harbour"}]}</script>'
    )
    html = _page(head, f"<main><h1>Tag: harbour</h1><ul>{TEASERS}</ul></main>").replace(
        "<body>", "<body class='archive tag tag-harbour'>"
    )
    assert extract_article(html, URL).kind == "tag_page"
