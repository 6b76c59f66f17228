"""The small pure helpers: titles, authors, dates, captions, boilerplate, JSON-LD."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extract.authors import clean_authors
from crawler.extract.boilerplate import filter_lines, is_furniture
from crawler.extract.captions import dom_captions, split_credit
from crawler.extract.dates import normalise
from crawler.extract.jsonld import find_article, jsonld_nodes, person_names
from crawler.extract.titles import choose_title, strip_site_name


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


@pytest.mark.parametrize(
    ("values", "want"),
    [
        (["By Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
        (["Von Max Muster, Redakteur"], ["Max Muster"]),
        (["Jane Doe; jane@example.com"], ["Jane Doe"]),
        (["https://news.example/author/jane-doe/"], ["Jane Doe"]),
        (["JANE DOE"], ["Jane Doe"]),
        (["Jane Doe", "jane doe"], ["Jane Doe"]),
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
