"""Dates printed on the page, and how they check the declared publication date."""

from __future__ import annotations

import json
from datetime import date

import lxml.html
import pytest

from newsarchive.crawler.extract import extract_article
from newsarchive.crawler.extract.dates.calendar_text import find_dates, parse_date
from newsarchive.crawler.extract.dates.declared import normalise
from newsarchive.crawler.extract.dates.publication import page_dates
from newsarchive.crawler.extract.page.jsonld import find_article, jsonld_nodes
from newsarchive.crawler.extract.page.meta import meta_tags

FAR = date(2100, 1, 1)


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("Posted Dec. 18th, 2025 at 9pm", "en", date(2025, 12, 18)),
        ("by Jane · 16 December 2025", "en-GB", date(2025, 12, 16)),
        ("Veröffentlicht am 3. Mai 2024", "de", date(2024, 5, 3)),
        ("publicado el 3 de mayo de 2024", "es", date(2024, 5, 3)),
        ("le 12 févr. 2025", "fr", date(2025, 2, 12)),
        ("Stand: 15.04.2026, 14:36 Uhr", "de", date(2026, 4, 15)),
        ("2025-12-18 · 3 min read", None, date(2025, 12, 18)),
        ("03/01/2017 by A. Writer", "en-US", date(2017, 3, 1)),
        ("03/01/2017 by A. Writer", "en-GB", date(2017, 1, 3)),
        ("25/12/2024", "en", date(2024, 12, 25)),
        ("By: FlowGuard EMEA on 04-ago-2021 5:11:10", "en-US", date(2021, 8, 4)),
        ("Filed 12-Jan-2024", None, date(2024, 1, 12)),
        ("part 12-Janus-2024", None, None),
        ("no date here, 2024 only", "en", None),
        ("February 30, 2024", "en", None),
    ],
)
def test_parse_date(text, lang, want):
    assert parse_date(text, lang) == want


def test_numeric_date_is_ambiguous_without_a_locale():
    # "en" alone does not say whether 03/10/2023 is March or October: both readings are kept.
    [(_, _, first, other)] = list(find_dates("03/10/2023", "en"))
    assert {first, other} == {date(2023, 3, 10), date(2023, 10, 3)}
    assert parse_date("03/10/2023", "en") is None


def _page(body: str, jsonld: dict | None = None, head: str = "", lang: str = "en-US") -> str:
    ld = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>' if jsonld else ""
    return f'<html lang="{lang}"><head>{ld}{head}</head><body>{body}</body></html>'


def _dates(html: str, title: str | None = "Council keeps the library open") -> tuple[str | None, str | None]:
    tree = lxml.html.fromstring(html)
    nodes = jsonld_nodes(tree)
    art = find_article(nodes) or {}
    return page_dates(tree, art, nodes, meta_tags(tree), tree.get("lang"), title, FAR)


ARTICLE = {"@type": "NewsArticle", "headline": "Council keeps the library open"}
H1 = "<article><h1>Council keeps the library open</h1>"


def test_byline_date_overrides_an_impossible_declared_date():
    # The CMS stamped the export date; the byline shows the date readers see.
    html = _page(
        H1 + "<p>By Jane Doe</p><p>September 8, 2021</p><p>" + "Body text. " * 40 + "</p></article>",
        {**ARTICLE, "datePublished": "2012-09-12T16:45:28+00:00"},
    )
    assert _dates(html)[0] == "2021-09-08"


def test_byline_showing_the_declared_modification_date_is_a_revision():
    html = _page(
        H1 + "<p>By Jane Doe</p><p>September 8, 2021</p></article>",
        {
            **ARTICLE,
            "datePublished": "2012-09-12T16:45:28+00:00",
            "dateModified": "2021-09-08T10:00:00+00:00",
        },
    )
    assert _dates(html) == ("2012-09-12T16:45:28+00:00", "2021-09-08T10:00:00+00:00")


@pytest.mark.parametrize("label", ["Updated", "Last updated:", "Aktualisiert am", "Mis à jour le"])
def test_updated_label_does_not_override(label):
    html = _page(
        H1 + f"<p>By Jane Doe · {label} 8 September 2021</p></article>",
        {**ARTICLE, "datePublished": "2012-09-12"},
    )
    assert _dates(html)[0] == "2012-09-12"


def test_published_label_wins_over_an_unlabelled_date():
    html = _page(
        H1 + "<p>March 2, 2024</p><p>Published: <span>March 1, 2024</span></p></article>",
        {**ARTICLE, "datePublished": "2023-01-01"},
    )
    assert _dates(html)[0] == "2024-03-01"


def test_declared_day_printed_near_the_headline_stands():
    # The declared day is on the page (above the headline); a teaser date below does not matter.
    html = _page(
        "<article><p>January 16, 2025</p><h1>Council keeps the library open</h1>"
        "<ul><li>Other story</li><li>July 15, 2025</li></ul></article>",
        {**ARTICLE, "datePublished": "2025-01-16T00:00:27+00:00"},
    )
    assert _dates(html)[0] == "2025-01-16T00:00:27+00:00"


def test_utc_declaration_is_expressed_in_the_pages_own_offset():
    # Declared in UTC (already the next day there), printed and marked up in local time.
    html = _page(
        H1 + '<p><time datetime="2025-12-18T19:05:00-08:00">December 18, 2025</time></p></article>',
        head='<meta property="article:published_time" content="2025-12-19T03:05:00+00:00">',
    )
    assert _dates(html)[0] == "2025-12-18T19:05:00-08:00"


def test_same_instant_in_another_timezone_keeps_the_declared_value():
    html = _page(
        H1 + "<p>December 18, 2025</p></article>",
        {**ARTICLE, "datePublished": "2025-12-19T03:05:00+00:00"},
    )
    assert _dates(html)[0] == "2025-12-19T03:05:00+00:00"


def test_page_node_dates_when_there_is_no_article_node():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "datePublished": "2024-03-17T19:47:39+00:00", "dateModified": "2024-05-03"}
        ],
    }
    html = _page(H1 + "<p>Text</p></article>", graph)
    assert _dates(html) == ("2024-03-17T19:47:39+00:00", "2024-05-03")


def test_byline_date_when_nothing_is_declared():
    html = _page(H1 + "<p>By The Editors 12.12.2025</p><p>" + "Body. " * 30 + "</p></article>", lang="de")
    assert _dates(html)[0] == "2025-12-12"


def test_ambiguous_numeric_date_alone_is_not_used():
    html = _page(H1 + "<p>03/10/2023</p></article>", lang="en")
    assert _dates(html)[0] is None


def test_date_in_the_site_header_far_above_the_headline_is_ignored():
    header = (
        "<header><p>Friday, December 19, 2025</p><nav>"
        + "<a href='/x'>Section link</a>" * 20
        + "</nav></header>"
    )
    html = _page(header + H1 + "<p>By Jane Doe</p></article>", lang="en")
    assert _dates(html)[0] is None


def test_headline_is_the_h1_showing_the_title_not_the_site_name():
    html = _page(
        "<h1>My Blog</h1><p>" + "Menu " * 5 + "</p>" + H1 + "<p>Posted on December 18, 2025</p></article>",
        lang="en",
    )
    assert _dates(html)[0] == "2025-12-18"


def test_extract_article_uses_the_byline_date():
    html = _page(
        H1
        + "<p>By Jane Doe · 16 December 2025</p><p>"
        + "The council voted to keep it open. " * 20
        + "</p></article>",
        {**ARTICLE, "datePublished": "2024-05-09"},
        lang="en-GB",
    )
    assert extract_article(html, "https://news.example/a").published == "2025-12-16"


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("March 27, 2025", "2025-03-27"),
        ("13/11/2025 09:21:40", "2025-11-13"),
        ("03/11/2025", None),  # day or month first: not certain
        ("Updated 3 hours ago", None),
        ("by Jane, March 27, 2025", None),  # not a date value, a sentence with one
    ],
)
def test_normalise_dates_written_for_people(raw, want):
    assert normalise(raw) == want


def test_machine_readable_candidate_beats_a_written_one():
    from newsarchive.crawler.extract.dates.declared import first_date

    assert first_date(["Aug 11, 2019", "2019-08-11T18:59:51+00:00"]) == "2019-08-11T18:59:51+00:00"
    assert first_date(["Aug 11, 2019", None]) == "2019-08-11"
    assert first_date(["2019-08-11", "2019-08-12T10:00:00Z"]) == "2019-08-11"


def test_declared_day_shown_only_as_the_update_does_not_stand():
    # The CMS declares the revision as datePublished; the byline labels both dates.
    html = _page(
        H1 + "<p>Published <span>Apr 26, 2023</span> Updated <span>Aug 21, 2025</span></p></article>",
        {**ARTICLE, "datePublished": "Aug 21, 2025"},
    )
    assert _dates(html)[0] == "2023-04-26"


def test_time_without_offset_may_be_utc_of_the_day_shown():
    html = _page(
        H1 + "<p>November 18, 2019</p></article>", {**ARTICLE, "datePublished": "2019-11-19T02:24:00"}
    )
    assert _dates(html)[0] == "2019-11-19T02:24:00"


def test_hyphenated_day_month_year_byline_when_nothing_is_declared():
    # A log-style stamp in the page's other language ("ago" is agosto) just above the headline.
    html = _page(
        "<p>By: Pipe Works on 04-ago-2021 5:11:10</p>" + H1 + "<p>" + "Text. " * 30 + "</p></article>"
    )
    assert _dates(html)[0] == "2021-08-04"


def test_only_a_modified_date_gives_no_publication_date():
    # The page declares and prints only its revision: that is not when it was published.
    html = _page(
        H1 + "<p>By Jane Doe · Updated March 3, 2025</p><p>" + "Body text. " * 30 + "</p></article>",
        {**ARTICLE, "dateModified": "2025-03-03T09:00:00+00:00"},
    )
    assert _dates(html) == (None, "2025-03-03T09:00:00+00:00")


def test_updated_byline_over_an_older_declared_publication_stays_the_update():
    # Tried and dropped (issue 19): taking the only "Updated" date shown as the publication date
    # is right for as many wcxb pages as it is wrong for; the declared publication stands.
    html = _page(
        H1 + "<p>By Jane Doe</p><p>Last updated: August 19, 2025</p></article>",
        {
            **ARTICLE,
            "datePublished": "2025-01-29T20:47:55+00:00",
            "dateModified": "2025-08-19T13:25:59+00:00",
        },
    )
    assert _dates(html) == ("2025-01-29T20:47:55+00:00", "2025-08-19T13:25:59+00:00")


COMMENTS = (
    "<section id='comments'><h2>12 comments</h2>"
    "<div class='comment'><p>Sam</p><p>March 9, 2025 at 4:12 pm</p><p>Great piece!</p></div></section>"
)


def test_comment_date_does_not_replace_the_declared_date():
    html = _page(
        H1 + "<p>By Jane Doe</p><p>" + "Body text. " * 60 + "</p></article>" + COMMENTS,
        {**ARTICLE, "datePublished": "2025-03-01T08:00:00+00:00"},
    )
    assert _dates(html)[0] == "2025-03-01T08:00:00+00:00"


def test_comment_date_is_not_the_byline_date_when_nothing_is_declared():
    html = _page(
        H1 + "<p>By Jane Doe · March 1, 2025</p><p>" + "Body text. " * 60 + "</p></article>" + COMMENTS
    )
    assert _dates(html)[0] == "2025-03-01"
