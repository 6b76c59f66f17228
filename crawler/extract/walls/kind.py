"""``page_kind``: is this page the article, or a wall or junk in its place?

Every rule asks two questions: does the page carry a wall's signal (its
markup or its wording), and is the article text short enough to be only a
wall? A real article that merely has a cookie banner, a subscribe box or a
login link in its furniture has long text and stays an article; a wall
page has little besides the wall. Thresholds were set on the 1,023
evaluation pages (no article taken for a wall) and the wall pages under
tests/extract/fixtures/walls (bench/walls.py measures both).
"""

from __future__ import annotations

from newsarchive.crawler.extract.walls import phrases
from newsarchive.crawler.extract.walls.listing import LISTING_KINDS
from newsarchive.crawler.extract.walls.markup import Markup, count_words

KINDS = (
    "article",
    "consent_wall",
    "paywall",
    "bot_challenge",
    "login_wall",
    "soft_404",
    "error_page",
    "empty",
    # Pages that list articles (walls.listing): not walls, but never a version either.
    *LISTING_KINDS,
)
# Every kind that is not the article: recorded, never a version.
WALL_KINDS = frozenset(KINDS[1:])

# Words of extracted text under which a page can be a wall at all. Walls with
# legal text (consent vendor lists) run to a couple of hundred words.
SHORT = 150
# Under this, the extracted text is too little to be an article by itself.
TINY = 40
# An empty shell: not even a sentence of text.
EMPTY = 8
# A consent wall's visible text is dense with consent wording (hits per 100
# words); an article page with a banner in its furniture is not.
CONSENT_DENSITY = 1.5


def may_be_wall(text: str) -> bool:
    """Whether the extracted text is short enough to be a wall (longer is always an article)."""
    return count_words(text) < SHORT * 2


def page_kind(markup: Markup, text: str, *, not_free: bool = False) -> str:
    """One of KINDS. ``text``: the extracted article text; ``not_free``: the publisher says paywalled."""
    words = count_words(text)
    if words >= SHORT * 2:
        return "article"
    head = " | ".join((markup.title, *markup.headings))
    page = markup.visible_text
    body = text.lower()
    if words < SHORT and _challenge(markup, head, page, words):
        return "bot_challenge"
    if words < SHORT * 2 and _consent(markup, head, page, body, words):
        return "consent_wall"
    if words < SHORT and _login(markup, head, page, body, words):
        return "login_wall"
    if words < SHORT and _paywall(markup, page, body, words, not_free):
        return "paywall"
    if words < SHORT and _not_found(head, page, body, words):
        return "soft_404"
    if words < TINY and (phrases.ERROR.search(head) or phrases.ERROR.search(body)):
        return "error_page"
    if words < EMPTY or (words < TINY and phrases.SHELL.search(body)):
        return "empty"
    return "article"


def _challenge(markup: Markup, head: str, page: str, words: int) -> bool:
    if phrases.CHALLENGE.search(head) or phrases.CHALLENGE.search(page):
        return True
    # A captcha widget also sits on real pages (comment forms): alone, it
    # makes a challenge only of a page with next to no text.
    return markup.challenge and words < TINY


def _consent(markup: Markup, head: str, page: str, body: str, words: int) -> bool:
    hits = len(phrases.CONSENT.findall(page))
    dense = markup.visible_words > 0 and hits * 100 / markup.visible_words >= CONSENT_DENSITY
    text_hits = len(phrases.CONSENT.findall(body))
    if phrases.CONSENT.search(head) and (text_hits or words < TINY):
        return True
    if words >= SHORT:
        # Long consent text (purposes, vendors) is a wall only when it is what was extracted.
        return text_hits * 100 / max(words, 1) >= CONSENT_DENSITY * 2
    return hits >= 2 and dense and (text_hits > 0 or words < TINY) and (markup.consent or hits >= 3)


def _login(markup: Markup, head: str, page: str, body: str, words: int) -> bool:
    # "Log in to comment" is furniture; a wall says it in its heading or text, or is all there is.
    asks = (
        phrases.LOGIN.search(head)
        or phrases.LOGIN.search(body)
        or (words < TINY and phrases.LOGIN.search(page))
    )
    return bool(asks) and (markup.password_field or words < TINY)


def _paywall(markup: Markup, page: str, body: str, words: int, not_free: bool) -> bool:
    # "Already a subscriber? Log in" sits in many a site's header: one phrase
    # on the page is not enough without a second signal.
    in_text = bool(phrases.PAYWALL.search(body))
    on_page = len({m.group(0) for m in phrases.PAYWALL.finditer(page)})
    if in_text or on_page >= 2 or (on_page and not_free):
        return True
    # Marked paywalled (schema.org or a paywall container) and only a teaser left.
    return words < TINY * 2 and not_free and markup.paywall


def _not_found(head: str, page: str, body: str, words: int) -> bool:
    if phrases.NOT_FOUND.search(head) or (words < TINY and phrases.NOT_FOUND.search(body)):
        return True
    # "404" in the title is an error page when the page also says so, or says nothing else.
    return bool(phrases.NUMBER_404.search(head)) and (words < TINY or bool(phrases.NOT_FOUND.search(page)))
