"""Is an element part of the article, or of the page around it?

Caption and byline searches must skip navigation, sidebars, footers and
widgets that list *other* articles. Class names are matched by token
prefix ("related-posts", "sidebar__item") rather than substring, because
substrings hit innocent names ("has-sidebar" on <main>, "tag-promotion" on
<article>), and the walk stops at the first <article> or <main>: whatever
is inside the article container belongs to the article.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

FURNITURE_TAGS = frozenset({"nav", "footer", "aside", "form"})
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
    "paywall",
    "login",
    "consent",
    "cookie",
    "modal",
)
_TOKEN = re.compile(r"[\s]+")
CONTAINERS = frozenset({"article", "main", "body"})


def marked(node: HtmlElement, words: tuple[str, ...] = _FURNITURE_WORDS) -> bool:
    """Whether a class or id token of ``node`` starts with one of ``words`` (furniture words by default)."""
    marks = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
    return any(token.startswith(words) for token in _TOKEN.split(marks) if token)


def in_furniture(node: HtmlElement) -> bool:
    """True when ``node`` sits in page furniture outside the article container."""
    for anc in node.iterancestors():
        if anc.tag in CONTAINERS:
            return False
        if anc.tag in FURNITURE_TAGS or marked(anc):
            return True
    return False
