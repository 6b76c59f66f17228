from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive.storage.write.dedup import (
    BadURL,
    canonical_url,
    check_url,
    choose_article_url,
    content_hash,
    normalise_text,
)

BASE = {
    "title": "Blinken meets Xi",
    "text": "First paragraph.\n\nSecond paragraph.",
    "authors": ["Jane Doe"],
    "captions": [{"caption": "Blinken and Xi", "credit": "Reuters"}],
    "published": "2023-06-19",
    "modified": None,
}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM:80/a/b?utm_source=rss&utm_medium=x", "http://example.com/a/b"),
        ("https://example.com/a?fbclid=abc&id=7#comments", "https://example.com/a?id=7"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com", "https://example.com/"),
        ("http://127.0.0.1:8080/2024/x.html?ref=rss", "http://127.0.0.1:8080/2024/x.html"),
    ],
)
def test_canonical_url_strips_tracking_and_noise(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_idn_hosts_key_the_same_article_either_way() -> None:
    assert canonical_url("http://xn--bcher-kva.de/x") == canonical_url("http://bücher.de/x")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "empty"),
        ("/relative/path", "relative"),
        ("ftp://example.com/x", "unsupported scheme 'ftp'"),
        ("file:///etc/passwd", "unsupported scheme 'file'"),
        ("javascript:alert(1)", "unsupported scheme 'javascript'"),
        ("data:text/html,hi", "unsupported scheme 'data'"),
        ("http://", "no host"),
        ("http://example.com:99999/", "malformed"),
        ("http://example.com/" + "a" * 5000, "longer than"),
    ],
)
def test_bad_urls_get_a_one_line_reason(url: str, reason: str) -> None:
    with pytest.raises(BadURL) as caught:
        check_url(url)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_declared_canonical_trusted_only_on_the_same_site() -> None:
    page = "https://www.example.com/story?utm_source=x"
    assert (
        choose_article_url(page, "https://example.com/canonical-story")
        == "https://example.com/canonical-story"
    )
    assert choose_article_url(page, "https://elsewhere.org/story") == "https://www.example.com/story"
    assert choose_article_url(page, "not a url") == "https://www.example.com/story"
    assert choose_article_url(page, None) == "https://www.example.com/story"


def test_layout_noise_does_not_change_the_hash() -> None:
    noisy = dict(BASE, text="  First   paragraph.\r\n\r\n\n Second paragraph.  ", title=" Blinken  meets Xi ")
    assert content_hash(noisy) == content_hash(BASE)


def test_fields_outside_the_story_do_not_change_the_hash() -> None:
    churn = dict(BASE, images=["https://cdn.example.com/new.jpg"], language="en", description="new teaser")
    assert content_hash(churn) == content_hash(BASE)


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Blinken meets Xi in Beijing"},
        {"text": "First paragraph.\n\nSecond paragraph, corrected."},
        {"authors": ["Jane Doe", "John Roe"]},
        {"captions": [{"caption": "Blinken and Xi", "credit": "AP"}]},
        {"published": "2023-06-20"},
        {"modified": "2023-06-21T10:00:00+00:00"},
    ],
)
def test_each_story_field_changes_the_hash(change: dict) -> None:
    assert content_hash(dict(BASE, **change)) != content_hash(BASE)


def test_author_order_is_not_an_edit() -> None:
    two = dict(BASE, authors=["A B", "C D"])
    assert content_hash(two) == content_hash(dict(BASE, authors=["C D", "A B"]))


def test_normalise_text_keeps_paragraph_breaks_as_single_newlines() -> None:
    assert normalise_text("a\u00a0 b\n\n\n c ") == "a b\nc"


def _regex_normalise_text(text: str) -> str:
    """The per-line regex definition normalise_text replaced, kept as its oracle."""
    import re
    import unicodedata

    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def test_normalise_text_treats_every_white_space_character_as_the_regex_did() -> None:
    # Every Unicode white space character lies below U+3001 (the last is U+3000).
    for code in range(0x3001):
        char = chr(code)
        for sample in (f"a{char}b", f"{char}a {char}\n{char}"):
            assert normalise_text(sample) == _regex_normalise_text(sample), hex(code)


@given(
    st.text(alphabet=st.sampled_from("ab \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\ufb01\u00bd"), max_size=40)
)
def test_normalise_text_matches_the_regex_definition(text: str) -> None:
    assert normalise_text(text) == _regex_normalise_text(text)
