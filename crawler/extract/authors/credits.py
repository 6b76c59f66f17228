"""Names in a byline block that are not its authors: credits and citations.

"Fact-checked by", "Tested by", "Researched by:" and "Contributions from"
announce reviewers and helpers, in the text before a name or in a label
element before its block; a reviewer box is classed as such. An author
page linked from a paragraph of prose cites someone. Used by the byline
searches so that they keep only the people who wrote the article.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

_CREDIT = re.compile(
    r"\b(?:reviewed|edited|(?:fact[- ]?)?checked|tested|researched|verified|illustrated|photographed|"
    r"produced|photos?|graphics|contributions?\s+from|geprüft|redigiert|relu|révisé|revisado)\s*(?:by|von|par|por)?\s*:?\s*$",
    re.IGNORECASE,
)
_CREDIT_BY = re.compile(
    r"\b(?:reviewed|edited|fact[- ]?checked|tested|researched|verified|geprüft|redigiert)\s+(?:by|von)\b",
    re.IGNORECASE,
)
_CREDIT_CLASS = re.compile(r"reviewed|reviewer|fact-?check|tested|verified", re.IGNORECASE)


def credited(link: HtmlElement) -> bool:
    """True when the link follows a credit ("Fact-checked by", "Tested by") or sits in a reviewer box."""
    parent = link.getparent()
    if parent is None:
        return False
    before = [parent.text or ""]
    for sibling in parent:
        if sibling is link:
            break
        before += [sibling.text_content(), sibling.tail or ""]
    before_text = "".join(before)
    # "Tested by Katie Bandurski and Mary Henn": every name after a credit label is credited.
    if _CREDIT.search(before_text[-40:]) or _CREDIT_BY.search(before_text):
        return True
    node = link
    for _ in range(3):
        label = node.getprevious()
        # A label element before the credited block: <h5>Researched by:</h5><div>…name…</div>.
        if label is not None and len(label) <= 2 and _CREDIT.search(label.text_content()[-40:]):
            return True
        node = node.getparent()
        if node is None:
            return False
        if _CREDIT_CLASS.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
    return False


def in_sentence(link: HtmlElement, text: str) -> bool:
    """True when the link sits in a paragraph of prose rather than a byline."""
    for block in link.iterancestors():
        if block.tag in ("p", "li", "blockquote", "td"):
            return len(" ".join(block.text_content().split())) > 3 * len(text) + 60
        if block.tag in ("div", "section", "article", "header", "main", "body"):
            return False
    return False
