"""Is a captioned image part of the article, or of the page around it?

The body's furniture test (``body.regions``) stops at the first ancestor
whose class starts with a furniture word. For captions that is too eager:
layout grids ("sidebar-grid__header" around the hero image), state classes
("comments-enabled" on the article wrapper) and locked-text wrappers
("paywalled") carry such words and hold the article itself. Here an
ancestor counts as furniture only when the outermost marked ancestor below
the article container holds no running text: a sidebar, a related-posts
box or a footer holds teasers and links, the article's wrapper holds
paragraphs.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from newsarchive.crawler.extract.body.regions import CONTAINERS, FURNITURE_TAGS, marked

# Widgets that carry figures of their own: teasers of other articles, ads, sidebars
# (the body's list without its wall words, which mark the article's own wrapper here).
_FURNITURE_WORDS = (
    "related",
    "more-from",
    "morefrom",
    "recommend",
    "teaser",
    "promo",
    "sidebar",
    "newsletter",
    "footer",
    "comment",
    "widget",
    "advert",
    "sponsor",
    "outbrain",
    "taboola",
)
# Running text: this many characters of paragraph text outside links.
_PROSE_CHARS = 600


def holds_prose(node: HtmlElement) -> bool:
    """Whether ``node`` holds running text (paragraphs outside links), as an article does."""
    total = 0
    for p in node.iter("p"):
        text = p.text_content()
        linked = sum(len(a.text_content()) for a in p.iter("a"))
        total += max(0, len(text.strip()) - linked)
        if total >= _PROSE_CHARS:
            return True
    return False


def in_furniture(node: HtmlElement) -> bool:
    """True when ``node`` sits in a sidebar, footer, ad or teaser widget, not in the article."""
    outermost = None
    for anc in node.iterancestors():
        if anc.tag in CONTAINERS:
            break
        if anc.tag in FURNITURE_TAGS or marked(anc, _FURNITURE_WORDS):
            outermost = anc
    return outermost is not None and not holds_prose(outermost)
