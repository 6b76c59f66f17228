"""The densest block as a second body candidate, and the trim chosen by agreement with it."""

from __future__ import annotations

from lxml.html import fromstring

from newsarchive.crawler.extract.body.candidates import agreed_text, doubtful
from newsarchive.crawler.extract.body.density import densest_block, key

PROSE = (
    "The harbour authority said on Monday that the new quay, which cost more than expected, "
    "would open in spring, and that the ferries would move there from the old pier. "
)


def _prose(n: int, word: str) -> str:
    return "".join(f"<p>{word} {i}. {PROSE}</p>" for i in range(n))


TEASERS = "".join(
    f'<li><a href="/news/story-{i}">Another headline about the town number {i} today</a></li>'
    for i in range(6)
)

# No class names anywhere: only structure and markup semantics can tell the parts apart.
PAGE = f"""<html><body>
<header><p>Town News, the paper of the harbour town since 1901, every day.</p></header>
<nav><ul>{TEASERS}</ul></nav>
<div><div>
  <h1>The new quay opens in spring</h1>
  <div>{_prose(5, "Para")}
    <ul><li>Ferries move on the first of April, the authority said.</li></ul>
  </div>
  <div><h3>More from the town</h3><ul>{TEASERS}</ul></div>
</div></div>
<aside>{_prose(2, "Sidebar")}</aside>
<footer><p>Town News, 1 Harbour Road, all the small print of the publisher, registered in the town.</p></footer>
</body></html>"""


def test_densest_block_is_the_prose_not_header_aside_or_footer() -> None:
    candidate = densest_block(fromstring(PAGE))
    assert candidate is not None
    assert candidate.holds(key(f"Para 3. {PROSE}"))
    assert not candidate.holds(key(f"Sidebar 0. {PROSE}"))
    assert not candidate.holds(key("Town News, the paper of the harbour town since 1901, every day."))


def test_a_linked_teaser_inside_the_block_is_not_prose() -> None:
    page = PAGE.replace("</div>\n  <div><h3>", f"<ul>{TEASERS}</ul></div>\n  <div><h3>")
    candidate = densest_block(fromstring(page))
    assert candidate is not None
    assert candidate.holds(key(f"Para 0. {PROSE}"))
    assert not candidate.holds(key("Another headline about the town number 2 today"))


def test_no_candidate_without_paragraphs() -> None:
    assert densest_block(fromstring("<html><body><div>Just a line.</div></body></html>")) is None


def test_teasers_after_the_article_are_trimmed_the_rest_kept() -> None:
    candidate = densest_block(fromstring(PAGE))
    body = [f"Para {i}. {PROSE.strip()}" for i in range(5)]
    # An inner line the candidate does not hold (say, a table trafilatura kept) stays.
    body.insert(2, "Quay | Opening | Cost")
    teasers = [f"Another headline about the town number {i} today" for i in range(3)]
    text = "\n".join(["The new quay opens in spring", *body, "More from the town", *teasers])
    # The start stays as it is (the headline goes later, in core.py): only the end is trimmed.
    assert agreed_text(text, candidate) == "\n".join(["The new quay opens in spring", *body])


def test_no_trim_when_the_candidate_disagrees_about_most_of_the_text() -> None:
    candidate = densest_block(fromstring(PAGE))
    # Mostly text from outside the candidate: the two disagree, trafilatura's text stands.
    text = "\n".join([f"Sidebar {i}. {PROSE.strip()}" for i in range(2)] + [f"Para 0. {PROSE.strip()}"])
    assert agreed_text(text, candidate) == text


def test_no_candidate_changes_nothing() -> None:
    assert agreed_text("Some text\nMore text", None) == "Some text\nMore text"


# An appeal box after the article, inside the same <article>, with class names
# trafilatura does not know: it keeps the box, ending on a line that is no sentence.
APPEAL = (
    '<div class="x2"><div class="x3"><p class="headline">Read local, stand together</p>'
    '<p class="article">Right now, a free press needs its readers more than ever, and half of every new '
    "membership this month goes to the network of local projects that we work with in the region.</p>"
    "<p>Membership from five euros a month</p></div></div>"
)
APPEAL_PAGE = (
    "<html><body><article><h1>The new quay opens in spring</h1>"
    f'<div class="x1">{_prose(6, "Para")}</div>{APPEAL}</article></body></html>'
)


def test_an_appeal_box_after_the_article_leaves_the_body() -> None:
    from newsarchive.crawler.extract import extract_article

    article = extract_article(APPEAL_PAGE, "https://example.org/news/quay")
    assert "Para 0." in article.text and "Para 5." in article.text
    assert "free press" not in article.text
    assert "Membership from" not in article.text


def test_only_a_text_ending_like_furniture_is_doubtful() -> None:
    assert doubtful(f"Para 0. {PROSE.strip()}\nAnother headline about the town number 2 today")
    assert doubtful(f"Para 0. {PROSE.strip()}\nShare")
    assert not doubtful(f"Para 0. {PROSE.strip()}\nPara 1. {PROSE.strip()}")
    assert not doubtful("")
