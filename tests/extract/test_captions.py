"""Captions wherever a page marks them, credits apart, and no widget label taken for one.

One small page per markup pattern (tests/extract/fixtures/captions/),
written for this project after common CMS markup; each test asserts the
exact captions, credits and image sources, and that no caption is left in
the body text.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from newsarchive.crawler.extract import Article, extract_article
from newsarchive.crawler.extract.captions import dom_captions, merge_captions, split_credit
from newsarchive.crawler.extract.captions.images import is_descriptive
from newsarchive.crawler.extract.captions.labels import is_label

FIXTURES = Path(__file__).parent / "fixtures" / "captions"
URL = "https://news.example/2024/harbour"
IMG = "https://news.example/img/"


def _extract(name: str) -> Article:
    return extract_article((FIXTURES / f"{name}.html").read_bytes(), URL)


def _found(article: Article) -> list[tuple[str, str | None, str | None]]:
    return [(c.caption, c.credit, c.src) for c in article.captions]


def _assert_not_in_text(article: Article) -> None:
    assert article.text.count("\n") >= 2, "the body is still there"
    for cap in article.captions:
        assert cap.caption not in article.text
        if cap.credit:
            assert cap.credit not in article.text


def test_figcaption_with_credit_span_and_cite() -> None:
    article = _extract("figcaption_credit")
    assert _found(article) == [
        ("Cranes stand idle on the empty quay.", "Jane Doe/PA", IMG + "harbour.jpg"),
        ("Residents in the public gallery", "Ana Lima for the Courier", IMG + "gallery-a.jpg"),
    ]
    _assert_not_in_text(article)


def test_jsonld_imageobject_caption_and_credit_text_through_an_id_reference() -> None:
    article = _extract("jsonld_imageobject")
    assert _found(article) == [("The northern quay at low tide", "Marek Nowak", IMG + "quay.jpg")]


def test_microdata_itemprop_caption_with_its_credit() -> None:
    article = _extract("microdata")
    assert _found(article) == [("The oldest warehouse, built in 1887", "Ana Lima", IMG + "warehouse.jpg")]
    _assert_not_in_text(article)


def test_data_caption_on_the_image_a_wrapper_and_a_lightbox_link() -> None:
    article = _extract("data_caption")
    assert _found(article) == [
        ("Gulls on the roof of the fish market", "Tom Reed", IMG + "gulls.jpg"),
        # Markup inside the attribute is text; "© X" at the end is the credit.
        ("Volunteers sort the museum's collection", "Harbour Trust", IMG + "volunteers.jpg"),
        ("The fishing fleet at the northern quay", None, IMG + "fleet.jpg"),
    ]


def test_gallery_list_and_slideshow_without_counters_or_controls() -> None:
    article = _extract("gallery")
    assert _found(article) == [
        # The "1 / 3" counter is cut; the "2 / 3" and "Click to enlarge" slots are not captions.
        ("The dry dock at sunrise", "Jane Doe", IMG + "s1.jpg"),
        ("The harbour master's office, closed since 2014.", "Lena Berg", IMG + "g1.jpg"),
        ("A mural painted by pupils of the harbour school.", "Lena Berg", IMG + "g2.jpg"),
    ]
    # The gallery list reached trafilatura's text; its lines ("…2014. Foto: Lena Berg") are removed.
    assert "Lena Berg" not in article.text
    _assert_not_in_text(article)


def test_lazy_loaded_images_keep_the_real_source() -> None:
    article = _extract("lazy")
    assert _found(article) == [
        ("The pier after the storm of March 2019", None, IMG + "pier.jpg"),
        ("The market hall as the architects imagine it", None, IMG + "market-400.jpg"),
    ]


def test_alt_text_counts_only_where_the_page_prints_it_as_a_caption() -> None:
    article = _extract("alt_text")
    # A descriptive alt repeated under the picture is a caption; a file name or
    # "image" repeated is not, and an alt the page does not print is not either.
    assert _found(article) == [
        ("Residents queue outside the town hall before the vote", None, IMG + "crowd.jpg")
    ]
    assert article.captions[0].alt == "Residents queue outside the town hall before the vote"


def test_share_bar_ad_label_powered_by_counter_author_card_promo_and_teaser_are_not_captions() -> None:
    article = _extract("not_captions")
    assert _found(article) == [
        ("The dry dock, which the council wants to sell.", "Tom Reed", IMG + "dock.jpg")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Advertisement",
        "ANZEIGE",
        "Powered by Taboola",
        "Sponsored by Acme Bank",
        "Share on Facebook",
        "Click to enlarge",
        "Bild vergrößern",
        "1 / 12",
        "3 of 12",
        "Bild 2 von 9",
        "15.05.2023",
        "03.05.2024, 16:24 Uhr",
        "Von Monique de Cleur",
        "By Jane Doe",
        "Lesezeit: 5 Minuten",
    ],
)
def test_labels(text: str) -> None:
    assert is_label(text)


@pytest.mark.parametrize(
    "text",
    [
        "Powered by wind: the turbines off the coast will supply 300,000 homes",
        "By the river at dawn, fishermen mend their nets",
        "Von der Leyen in Brüssel",
        "De Gaulle in Paris, 1944",
        "Share prices fell sharply on Monday",
        "1 / 12 of the town's houses stand empty",
    ],
)
def test_captions_that_start_like_labels(text: str) -> None:
    assert not is_label(text)


@pytest.mark.parametrize(
    ("alt", "descriptive"),
    [
        ("Residents queue outside the town hall", True),
        ("IMG_4400.JPEG", False),
        ("DSC01234", False),
        ("image", False),
        ("Photo 3", False),
        ("", False),
    ],
)
def test_descriptive_alt(alt: str, descriptive: bool) -> None:
    assert is_descriptive(alt) is descriptive


def test_credit_after_a_pipe() -> None:
    assert split_credit(
        "Catherine Connolly at a rally in Galway. | Niall Carson/PA Images via Getty Images"
    ) == (
        "Catherine Connolly at a rally in Galway.",
        "Niall Carson/PA Images via Getty Images",
    )
    # A pipe inside a caption that is not followed by a name stays.
    assert split_credit("Left | right") == ("Left | right", None)


def test_a_marked_wrapper_that_holds_the_article_is_not_furniture() -> None:
    paragraphs = "".join(f"<p>{'Running text of the article. ' * 12}</p>" for _ in range(3))
    page = (
        "<html><body><div class='sidebar-grid'><div class='sidebar-grid__header'><figure>"
        "<img src='/a.jpg'><figcaption>The candidate on the campaign trail</figcaption></figure></div>"
        f"<div class='sidebar-grid__content'>{paragraphs}</div></div>"
        "<aside class='sidebar'><figure><img src='/b.jpg'><figcaption>Another story's picture</figcaption>"
        "</figure></aside></body></html>"
    )
    captions = merge_captions(dom_captions(lxml.html.fromstring(page), "https://x.example/"))
    assert [c.caption for c in captions] == ["The candidate on the campaign trail"]


def test_a_caption_that_is_the_headline_is_a_share_card() -> None:
    page = (
        "<html><head><title>Harbour plan divides the town</title></head><body><article>"
        "<h1>Harbour plan divides the town</h1>"
        "<div class='hero'><div><img src='/h.jpg' alt='Harbour plan divides the town'></div>"
        "<div><p>Harbour plan divides the town</p></div></div>"
        f"<p>{'The council met on Tuesday evening to decide the future of the harbour. ' * 5}</p>"
        "</article></body></html>"
    )
    assert extract_article(page, URL).captions == []
