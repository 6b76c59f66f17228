"""Article bodies rendered as several sibling blocks of one class: every block is kept."""

from __future__ import annotations

from datetime import date

from lxml.html import fromstring

from newsarchive.crawler.extract.body import main_text as body
from newsarchive.crawler.extract.body.frame import furniture
from newsarchive.crawler.extract.body.split import split_blocks

SENTENCE = (
    "The harbour authority said on Monday that the new ferry terminal would open in spring, "
    "after two years of delays caused by flooding and a dispute with the main contractor. "
)


def _paragraphs(n: int, word: str) -> str:
    return "".join(f"<p>{word} {i}. {SENTENCE * 2}</p>" for i in range(n))


def _page(between: str, second: str) -> str:
    return f"""<html><head><title>Ferry terminal</title></head><body>
<article class="story">
  <h1>Ferry terminal to open in spring</h1>
  <div class="chunks">
    <div class="row-grid"><div class="article-body">{_paragraphs(4, "Before")}</div></div>
    {between}
    <div class="row-grid"><div class="article-body">{second}</div></div>
  </div>
</article>
</body></html>"""


AD = '<div class="ad-row"><div class="ad">Advertisement</div></div>'
SPLIT_PAGE = _page(AD, _paragraphs(4, "After"))


# What trafilatura's first pass keeps on such a page: the first block's paragraphs.
FIRST = "\n".join(f"Before {i}. {SENTENCE * 2}" for i in range(4))


def _text(html: str) -> str:
    return body.main_text(fromstring(html), "https://example.org/a", date(2025, 1, 1))


def test_second_block_of_a_split_body_is_kept_in_order() -> None:
    text = _text(SPLIT_PAGE)
    assert "Before 0." in text
    assert "After 3." in text
    assert text.index("Before 3.") < text.index("After 0.")
    assert "Advertisement" not in text


def test_blocks_are_found_only_when_the_text_misses_some() -> None:
    tree = fromstring(SPLIT_PAGE)
    assert len(split_blocks(tree, FIRST)) == 2
    whole = " ".join(p.text_content() for p in tree.iter("p"))
    assert split_blocks(tree, whole) == []


def test_link_dense_sibling_blocks_are_teasers_not_body() -> None:
    teasers = "".join(
        f'<p><a href="/story/{i}">Another story number {i}: {SENTENCE}</a></p>' for i in range(4)
    )
    tree = fromstring(_page(AD, teasers))
    assert split_blocks(tree, FIRST) == []


def test_a_block_after_another_headline_is_the_next_article() -> None:
    tree = fromstring(_page("<h1>Council approves budget</h1>", _paragraphs(4, "After")))
    assert split_blocks(tree, FIRST) == []


def test_a_heading_slug_id_is_not_mistaken_for_furniture() -> None:
    section = fromstring('<div id="menu-ideas-for-a-summer-wedding"><p>Text</p></div>')
    menu = fromstring('<div id="menu-main"><p>Text</p></div>')
    assert not furniture(section)
    assert furniture(menu)
