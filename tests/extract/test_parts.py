"""The small pure helpers: titles, authors, dates, captions, boilerplate, JSON-LD."""

from __future__ import annotations

import lxml.html
import pytest

from newsarchive.crawler.extract.authors.names import clean_authors
from newsarchive.crawler.extract.body.boilerplate import filter_lines, is_furniture
from newsarchive.crawler.extract.captions import dom_captions, split_credit
from newsarchive.crawler.extract.dates.declared import normalise
from newsarchive.crawler.extract.page.jsonld import find_article, jsonld_nodes, person_names
from newsarchive.crawler.extract.titles.headline import choose_title, strip_site_name


@pytest.mark.parametrize(
    ("raw", "sites", "url", "want"),
    [
        ("Headline here | The Site", ["The Site"], None, "Headline here"),
        ("Headline here - The Site", ["The Site"], None, "Headline here"),
        ("The Site: Headline here", ["The Site"], None, "Headline here"),
        ("Headline here – SPIEGEL", [], "https://www.spiegel.de/a", "Headline here"),
        ("Covid-19 rules - what changes", [], "https://x.example/a", "Covid-19 rules - what changes"),
        ("A headline without suffix", ["Other"], None, "A headline without suffix"),
    ],
)
def test_strip_site_name(raw, sites, url, want):
    assert strip_site_name(raw, sites, url) == want


def test_choose_title_prefers_confirmed_h1_in_meta_spelling():
    got = choose_title(
        jsonld_headline=None,
        og_title="Big news today",
        twitter_title=None,
        html_title="Big news today | Daily",
        h1s=["Menu", "Big News Today"],
        fallback=None,
        sites=["Daily"],
        url=None,
    )
    assert got == "Big news today"


def _title(**kw):
    base = dict(jsonld_headline=None, og_title=None, twitter_title=None, html_title=None, h1s=[], url=None)
    return choose_title(**{**base, **kw}, fallback=None, sites=["Daily"])


def test_kicker_dropped_only_when_most_titles_lack_it():
    headline = "Council keeps the library open for another year"
    # The visible h1 carries a kicker the machine-readable titles do not: they win.
    assert (
        _title(
            og_title=headline,
            twitter_title=headline,
            html_title=f"{headline} | Daily",
            h1s=[f"Libraries - {headline}"],
        )
        == headline
    )
    # Most titles carry the kicker: it is part of the headline.
    kicked = f"Libraries: {headline}"
    assert _title(jsonld_headline=kicked, og_title=kicked, twitter_title=headline, h1s=[kicked]) == kicked


def test_title_cleanup():
    assert _title(
        h1s=["## Council keeps the library open"], html_title="## Council keeps the library open"
    ) == ("Council keeps the library open")
    assert _title(og_title="Council keeps the library open ⋆") == "Council keeps the library open"
    assert (
        _title(og_title="Council keeps the library open", h1s=["Dec 18 2025 Council keeps the library open"])
        == "Council keeps the library open"
    )
    assert (
        _title(html_title="townblog.example Council keeps the library open", url="https://townblog.example/a")
        == "Council keeps the library open"
    )
    assert _title(og_title="“Keep it open”, says the mayor") == "“Keep it open”, says the mayor"


@pytest.mark.parametrize(
    ("values", "want"),
    [
        (["By Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
        (["Von Max Muster, Redakteur"], ["Max Muster"]),
        (["Jane Doe; jane@example.com"], ["Jane Doe"]),
        (["https://news.example/author/jane-doe/"], ["Jane Doe"]),
        (["JANE DOE"], ["Jane Doe"]),
        (["Jane Doe", "jane doe"], ["Jane Doe"]),
        (["Shelby Loos Reviewed by Molly Price"], ["Shelby Loos"]),
        (["By Jane Doe; Fact-checked by John Roe"], ["Jane Doe"]),
        (["Jane Doe | Medically reviewed by John Roe"], ["Jane Doe"]),
    ],
)
def test_clean_authors(values, want):
    assert clean_authors(values) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("2024-05-03T15:47:42Z", "2024-05-03T15:47:42+00:00"),
        ("2024-05-03T15:47:42+0200", "2024-05-03T15:47:42+02:00"),
        ("2024-05-03", "2024-05-03"),
        ("20240503", "2024-05-03"),
        ("2024/5/3", "2024-05-03"),
        ("2024-02-30", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_normalise_dates(raw, want):
    assert normalise(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        (
            "From Blinken’s meeting with Xi Jinping – Reuters",
            ("From Blinken’s meeting with Xi Jinping", "Reuters"),
        ),
        (
            "Protesters gather in the square. Photo: Jane Doe/AP",
            ("Protesters gather in the square.", "Jane Doe/AP"),
        ),
        ("Der Kanzler in Berlin (Foto: dpa)", ("Der Kanzler in Berlin", "dpa")),
        ("Fans at the stadium © Getty Images", ("Fans at the stadium", "Getty Images")),
        ("Paris - France", ("Paris - France", None)),
    ],
)
def test_split_credit(raw, want):
    assert split_credit(raw) == want


def test_caption_credit_from_markup():
    tree = lxml.html.fromstring(
        '<html><body><figure><img src="/a.jpg"><figcaption>Rain in Leeds '
        '<span class="credit">Photo: PA</span></figcaption></figure></body></html>'
    )
    [cap] = dom_captions(tree, "https://x.example/story")
    assert (cap.caption, cap.credit, cap.src) == ("Rain in Leeds", "PA", "https://x.example/a.jpg")


def test_furniture_lines():
    assert is_furniture("Leave a Reply")
    assert is_furniture("Your email address will not be published. Required fields are marked *")
    assert is_furniture("Back to top button")
    assert not is_furniture("Readers were asked to leave a reply on the council's website.")
    assert filter_lines("Body line\nBack to top\nLast line") == "Body line\nLast line"


@pytest.mark.parametrize(
    "line",
    [
        "Tags",
        "Disclosure: This post contains affiliate links. If you buy, we may earn a small commission.",
        "Products are chosen independently by our editors. Purchases made through our links may earn us a commission.",
        "Also read: How the council saved the library",
        "Related: Five more libraries stay open",
        "Stay connected with us!",
        "Get the best of The Weekly delivered to your inbox every Friday",
        "If you enjoyed this article, please consider sharing it.",
        "Catch up on our coverage and follow us on Facebook, Instagram and TikTok.",
        "Fill out the form below to get a quote.",
        "Why Trust Us?",
        "- Order Reprints",
        "This copy is for your personal, non-commercial use only. To order copies visit our site.",
        "Write to Jane Doe at jane.doe@news.example",
        "Last updated: April 21, 2025",
        "Updated at 1:23 p.m.",
        "2025年1月14日 01時28分 (1月14日 01時40分更新)",
        "Copyright ©2019 Example Media, Inc. All Rights Reserved",
        "Read more: Council to vote on library budget",
        "[Related: Five more libraries stay open]",
        "You may also like...",
        "Lesedauer: 4 Minuten",
        "(Quelle: APA/dpa)",
        "Associated Press writer Jane Doe in Paris contributed to this report.",
        "Filed under: Libraries |",
    ],
)
def test_more_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Agents earn a commission of 6% on every sale, the report found.",
        "The home secretary said the tags would be fitted within a week.",
        "Related companies were also fined, the regulator said.",
        "Readers who enjoyed this article's first part wrote to us in large numbers.",
        "Published in 1851, the novel was updated twice by its author.",
        "Copyright law was updated in 2019 to cover online platforms, the court said.",
        "https://example.org/a-link-in-a-technical-post",
        "Read more about the vote below, where the council explains its reasons.",
        "Volunteers from three towns contributed to this report on the library's future, the mayor said in a statement.",
    ],
)
def test_article_sentences_are_not_furniture(line):
    assert not is_furniture(line)


def test_jsonld_graph_and_references():
    tree = lxml.html.fromstring(
        """<html><head><script type="application/ld+json">
        {"@context":"https://schema.org","@graph":[
          {"@type":"WebSite","name":"Site"},
          {"@type":["NewsArticle"],"headline":"H","author":{"@id":"#a"},"datePublished":"2024-01-02",},
          {"@type":"Person","@id":"#a","name":"Jane Doe"}]}
        </script></head><body></body></html>"""
    )
    nodes = jsonld_nodes(tree)
    article = find_article(nodes)
    assert article["headline"] == "H"
    refs = {n["@id"]: n for n in nodes if "@id" in n}
    assert person_names(article["author"], refs) == ["Jane Doe"]
