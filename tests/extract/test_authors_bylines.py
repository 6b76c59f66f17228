"""Authors: declared metadata checked against the byline the page shows."""

from __future__ import annotations

import json

import lxml.html

from newsarchive.crawler.extract import extract_article
from newsarchive.crawler.extract.authors.bylines import linked_authors, microdata_authors, refine
from newsarchive.crawler.extract.authors.names import clean_authors, is_site_name, without_site

BODY = "<p>" + "The council voted on Tuesday to keep the library open for another year. " * 12 + "</p>"


def _tree(body: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><body>{body}</body></html>")


def _page(body: str, jsonld: dict | None = None, head: str = "") -> str:
    ld = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>' if jsonld else ""
    return f"<html><head>{ld}{head}</head><body>{body}</body></html>"


def test_site_name_is_recognised_with_punctuation_around_it():
    assert is_site_name(", USA TODAY", ["USA TODAY"])
    assert not is_site_name("Jane Doe", ["USA TODAY"])


def test_person_named_like_the_site_gives_way_to_the_byline():
    html = _page(
        '<article><h1>Library stays open</h1><p class="byline">By Brian Truitt</p>' + BODY + "</article>",
        {
            "@type": "NewsArticle",
            "headline": "Library stays open",
            "author": {"@type": "Person", "name": "Daily Bugle"},
        },
        head='<meta property="og:site_name" content="Daily Bugle">',
    )
    assert extract_article(html, "https://bugle.example/a").authors == ["Brian Truitt"]


def test_site_name_split_off_a_declared_byline():
    html = _page(
        "<article><h1>Library stays open</h1>" + BODY + "</article>",
        {
            "@type": "NewsArticle",
            "headline": "Library stays open",
            "author": {"@type": "Person", "name": "Jane Doe and John Roe, Daily Bugle"},
        },
        head='<meta property="og:site_name" content="Daily Bugle">',
    )
    assert extract_article(html, "https://bugle.example/a").authors == ["Jane Doe", "John Roe"]


def test_one_word_author_link_only_when_the_slug_spells_it():
    tree = _tree('<p class="meta">by <a href="/author/amanda/">Amanda</a> · Dec 20, 2025</p>')
    assert linked_authors(tree) == ["Amanda"]
    tree = _tree('<p class="meta">by <a href="/author/a-smith-42/">Amanda</a></p>')
    assert linked_authors(tree) == []


def test_author_link_inside_prose_is_a_citation_not_a_byline():
    tree = _tree(
        '<div class="story"><p>In 2018, <a href="/people/jane-doe/">Jane Doe</a> published what proved to be '
        "a landmark paper in the field, and her findings have been cited by hundreds of studies since.</p></div>"
    )
    assert linked_authors(tree) == []


def test_microdata_authors_of_teaser_articles_are_ignored():
    tree = _tree(
        '<article><span itemprop="author" itemscope><span itemprop="name">Jane Doe</span></span>'
        "<p>Story</p></article>"
        '<article class="teaser"><span itemprop="author" itemscope><span itemprop="name">John Roe</span></span>'
        "</article>"
    )
    assert microdata_authors(tree) == ["Jane Doe"]


def test_single_declared_author_gains_linked_coauthors():
    tree = _tree(
        '<div class="byline">By <a href="/author/rui-ma/">Rui Ma</a>, <a href="/author/heba-ledwon/">Heba Ledwon</a>'
        ' &amp; <a href="/author/suparn-patra/">Suparn Patra</a></div>'
    )
    assert refine(["Rui Ma"], tree) == ["Rui Ma", "Heba Ledwon", "Suparn Patra"]
    # A different first name in the links is another byline: the declared author stands.
    assert refine(["Jane Doe"], tree) == ["Jane Doe"]


def test_first_name_gives_way_to_the_full_name_in_the_byline():
    tree = _tree('<div class="byline">By <a href="/author/tom-may/">Tom May</a></div>')
    assert refine(["Tom"], tree) == ["Tom May"]
    # Another person in the byline does not replace the declared one.
    assert refine(["Lauren"], tree) == ["Lauren"]


def test_reviewers_linked_after_the_byline_are_not_authors():
    tree = _tree(
        '<p class="authors">By <a href="/author/emily-way/">Emily Way</a> Fact-checked by '
        '<a href="/author/paul-rankin/">Paul Rankin</a> Tested by <a href="/author/katie-b/">Katie B</a> and '
        '<a href="/author/mary-henn/">Mary Henn</a></p>'
    )
    assert linked_authors(tree) == ["Emily Way"]
    assert refine(["Emily Way"], tree) == ["Emily Way"]


def test_written_by_sentence_lead_in_is_removed():
    assert clean_authors(["This post was written by Danielle Padula"]) == ["Danielle Padula"]


def test_month_after_a_name_is_cut_only_when_it_is_a_date():
    assert clean_authors(["Haley Hoekstra • March", "Wyndo Dec", "Jane Doe Dec. 3"]) == [
        "Haley Hoekstra",
        "Wyndo",
        "Jane Doe",
    ]
    assert clean_authors(["Tom May", "Ann June"]) == ["Tom May", "Ann June"]


def test_site_name_glued_after_a_byline_name_is_cut():
    assert without_site(["Brian Truitt USA TODAY", "USA TODAY"], ["USA TODAY"]) == [
        "Brian Truitt",
        "USA TODAY",
    ]


def test_credited_boxes_after_a_label_element_are_not_authors():
    tree = _tree(
        '<div class="authors"><div class="col"><h5>Written by:</h5><div itemprop="author" itemscope>'
        '<meta itemprop="name" content="Emma Ryan"></div></div>'
        '<div class="col"><h5>Researched by:</h5><div itemprop="author" itemscope>'
        '<meta itemprop="name" content="Oliver Simpson"></div></div></div>'
    )
    assert microdata_authors(tree) == ["Emma Ryan"]
    tree = _tree(
        '<div class="byline">By <a href="/author/chris-mac">Chris Mac</a></div>'
        '<div class="small">Contributions From: <a href="/author/austin-palmer">Austin Palmer</a></div>'
    )
    assert refine(["Chris Mac"], tree) == ["Chris Mac"]


def test_weekday_and_about_around_a_name_are_cut():
    assert clean_authors(["Malcolm Owen Monday", "Jeff FoustMonday", "About Victor Davis Hanson"]) == [
        "Malcolm Owen",
        "Jeff Foust",
        "Victor Davis Hanson",
    ]
