"""Bad input never crashes; output is deterministic; encodings are detected."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from crawler.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, extract_article
from crawler.extract.core import MAX_INPUT_CHARS
from crawler.extract.encoding import decode_html

PARAGRAPH = "<p>" + "The council voted on Tuesday to keep the library open for another year. " * 4 + "</p>"


def page(body: str, head: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><article><h1>Library stays open</h1>{body}</article></body></html>"
    )


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        "",
        b"\x00\x01\x02\xff" * 500,
        os.urandom(5000),
        b"<",
        "<html>",
        "plain text, no markup at all",
        b"\xef\xbb\xbf",
    ],
)
def test_junk_gives_empty_article(junk):
    article = extract_article(junk)
    assert article.text == ""
    assert "empty" in article.flags


def test_huge_input_is_truncated_not_slow():
    html = page(PARAGRAPH * (MAX_INPUT_CHARS // len(PARAGRAPH) + 10))
    article = extract_article(html)
    assert "truncated" in article.flags


def test_deterministic_for_same_input_and_fetch_time():
    html = page(PARAGRAPH * 3)
    when = datetime(2024, 3, 1, tzinfo=UTC)
    assert extract_article(html, "https://a.example/x", fetched_at=when) == extract_article(
        html, "https://a.example/x", fetched_at=when
    )


def test_version_strings():
    assert EXTRACTOR_NAME == "newsarchive"
    assert "trafilatura 2.3.1" in EXTRACTOR_VERSION


@pytest.mark.parametrize("codec", ["utf-8", "cp1252", "iso-8859-15", "koi8-r", "shift_jis"])
def test_declared_charset(codec):
    text = {"koi8-r": "Привет, мир", "shift_jis": "こんにちは世界"}.get(codec, "Café déjà vu, naïve")
    html = f'<html><head><meta charset="{codec}"><title>{text}</title></head><body></body></html>'
    assert text in decode_html(html.encode(codec))


def test_undeclared_utf8_and_bom():
    html = "<html><body><p>Grüße aus Köln</p></body></html>"
    assert "Grüße" in decode_html(html.encode("utf-8"))
    assert "Grüße" in decode_html(b"\xef\xbb\xbf" + html.encode("utf-8"))
    assert "Grüße" in decode_html("\ufeff".encode("utf-16-le") + html.encode("utf-16-le"))


def test_lying_meta_charset_falls_back():
    html = '<html><head><meta charset="us-ascii"></head><body><p>Grüße</p></body></html>'
    assert "Grüße" in decode_html(html.encode("utf-8"))


def test_bytes_and_str_give_same_article():
    html = page(PARAGRAPH * 3, '<meta charset="utf-8"><title>Library stays open | Town Crier</title>')
    assert extract_article(html.encode("utf-8")) == extract_article(html)


def test_paywall_flag_from_jsonld():
    ld = '{"@type":"NewsArticle","headline":"Library stays open","isAccessibleForFree":false}'
    html = page(PARAGRAPH * 3, f'<script type="application/ld+json">{ld}</script>')
    assert "paywall" in extract_article(html).flags


def test_consent_wall_flag():
    body = "<p>We use cookies and similar technologies. Please accept all cookies to give your consent.</p>"
    html = f"<html><body><div>{body}</div></body></html>"
    assert "consent-wall" in extract_article(html).flags


def test_canonical_url_made_absolute():
    html = page(PARAGRAPH * 3, '<link rel="canonical" href="/news/library">')
    assert (
        extract_article(html, "https://town.example/a?utm=x").canonical_url
        == "https://town.example/news/library"
    )
    og = page(PARAGRAPH * 3, '<meta property="og:url" content="https://town.example/og">')
    assert extract_article(og, "https://town.example/a").canonical_url == "https://town.example/og"
