"""The research pages in Chromium at desktop (1280 px) and phone (390 px) widths, with screenshots.

The screenshots land in tests/web/artifacts/ (git-ignored) for a person to
look at; what can be measured is asserted here: nothing scrolls sideways
at phone width, the first result is on the first screen, the folded diff
puts a seven-word edit in paragraph 50 on the first screen and its expand
control opens the rest, the matched words are marked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from tests.web.browser import DESKTOP, PHONE, browser_page, horizontal_overflow, screenshot
from tests.web.seed_pages import LONG_URL, PageArchive, seed
from tests.web.serving import serving

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, PageArchive]]:
    """`newsarchive serve` over the pages' archive, shared by the module (one server start)."""
    tmp = tmp_path_factory.mktemp("pages")
    config = ArchiveConfig(home=tmp / "home", db_url=f"sqlite:///{tmp / 'archive.db'}")
    with Archive(config) as archive:
        seeded = seed(archive)
    with serving(config) as base:
        yield base, seeded


@pytest.fixture(params=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(tmp_path: Path, width: str) -> Iterator[Any]:
    with browser_page(tmp_path / "profile", WIDTHS[width]) as opened:
        yield opened


def _top(page: Any, selector: str) -> float:
    return float(page.eval_on_selector(selector, "e => e.getBoundingClientRect().top + window.scrollY"))


def _no_sideways_scroll(page: Any) -> None:
    assert horizontal_overflow(page) == []


def test_search_results_start_on_the_first_screen(
    page: Any, width: str, site: tuple[str, PageArchive]
) -> None:
    base, _ = site
    page.goto(base + "/")
    page.fill("#q", "harbour")
    page.click("form.search .query button")
    page.wait_for_url("**/?q=harbour*")
    assert not page.eval_on_selector("details.filters", "e => e.open")
    first = page.locator("ol.hits > li").first
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= WIDTHS[width]["height"]
    marks = page.locator("ol.hits mark").all_inner_texts()
    assert marks and all(m.lower() == "harbour" for m in marks)
    background = page.eval_on_selector("ol.hits mark", "e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    _no_sideways_scroll(page)
    screenshot(page, f"search-{width}")
    # The filters open on demand, and still fit.
    page.click("details.filters > summary")
    assert page.is_visible("#published_from")
    _no_sideways_scroll(page)
    screenshot(page, f"search-filters-{width}")


def test_a_url_in_the_search_box_opens_the_article(
    page: Any, width: str, site: tuple[str, PageArchive]
) -> None:
    base, seeded = site
    page.goto(base + "/")
    page.fill("#q", LONG_URL)
    page.click("form.search .query button")
    page.wait_for_url(f"**/web/articles/{seeded.long}")
    assert page.inner_text("h1") == "Harbour report published"
    page.goto(base + "/")
    page.fill("#q", "https://daily.example.com/not-archived.html")
    page.click("form.search .query button")
    assert page.is_visible("text=Not in the archive")
    _no_sideways_scroll(page)
    screenshot(page, f"lookup-unknown-{width}")


def test_the_diff_puts_a_small_edit_deep_in_a_long_article_on_the_first_screen(
    page: Any, width: str, site: tuple[str, PageArchive]
) -> None:
    base, seeded = site
    page.goto(f"{base}/web/articles/{seeded.long}/diff")
    screenshot(page, f"diff-folded-{width}")
    inserted = page.locator("#field-text ~ .sides ins:visible").first
    box = inserted.bounding_box()
    screen = WIDTHS[width]["height"]
    assert box is not None and box["y"] + box["height"] <= screen, box
    assert "dissolved" in inserted.inner_text()
    folded_height = page.evaluate("document.documentElement.scrollHeight")
    _no_sideways_scroll(page)
    # The expand control opens the 48 paragraphs before the edit, in place.
    summary = page.locator("#field-text ~ .sides details.fold > summary").first
    assert summary.inner_text() == "Show 48 unchanged paragraphs"
    summary.click()
    first = page.locator("#field-text ~ .sides .side:visible", has_text="Paragraph 1 of the harbour report")
    assert first.count() >= 1 and first.first.is_visible()
    opened_height = page.evaluate("document.documentElement.scrollHeight")
    assert opened_height > folded_height + 1500
    _no_sideways_scroll(page)


def test_an_article_page_draws_its_time_line_and_fits_a_phone(
    page: Any, width: str, site: tuple[str, PageArchive]
) -> None:
    base, seeded = site
    page.goto(f"{base}/web/articles/{seeded.many}")
    chart = page.locator("svg.timeline-chart")
    assert chart.get_attribute("role") == "img"
    box = chart.bounding_box()
    assert box is not None and box["height"] > 20 and box["width"] <= WIDTHS[width]["width"]
    assert page.locator("svg.timeline-chart rect.band").count() == 5
    # Each table row is a card at phone width: the column names come from the cells.
    if width == "phone":
        label = page.eval_on_selector(
            "table.stack td[data-label='Headline']", "e => getComputedStyle(e, '::before').content"
        )
        assert label == '"Headline: "'
    _no_sideways_scroll(page)
    screenshot(page, f"article-{width}")
    page.click("table.timeline a:text('v3')")
    page.wait_for_url("**/versions/3")
    assert page.inner_text("h1") == "Storm reaches the coast: update 3"
    _no_sideways_scroll(page)
    screenshot(page, f"version-{width}")


def test_charts_and_edits_pages_fit_the_screen(page: Any, width: str, site: tuple[str, PageArchive]) -> None:
    base, _ = site
    page.goto(base + "/web/charts")
    screenshot(page, f"charts-{width}")
    assert page.locator("svg.chart").count() == 5
    for svg in page.locator("svg.chart").all():
        box = svg.bounding_box()
        assert box is not None and box["height"] > 40 and box["x"] + box["width"] <= WIDTHS[width]["width"]
    bar = page.eval_on_selector("svg.chart.archived rect.bar", "e => getComputedStyle(e).fill")
    assert bar not in ("rgb(0, 0, 0)", "none")  # coloured by the stylesheet
    _no_sideways_scroll(page)
    page.goto(base + "/web/changes")
    assert page.locator("table.stack tbody tr").count() > 5
    _no_sideways_scroll(page)
    screenshot(page, f"changes-{width}")
