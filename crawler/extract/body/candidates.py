"""Choosing between trafilatura's body and the densest block, by agreement.

The second candidate (``density.py``) is built without trafilatura's class
name lists, so where the two agree the text is the article, and where
trafilatura's text runs on past the densest block (teasers after the
article, a "more stories" list in the same wrapper) or starts before it,
those lines are what only one of two extractors believes in. Agreement
means: trafilatura's text is kept from its first line that the candidate
holds as prose to its last; lines before and after go. The candidate
never adds text, and inner lines are never dropped (a list or a table
between paragraphs is the article even when the densest block misses it).

The trim is refused when it would keep less than ``AGREE_SHARE`` of the
text: then the two disagree about where the article is, and trafilatura's
choice stands.
"""

from __future__ import annotations

import re

from newsarchive.crawler.extract.body.density import Candidate, key

# The trimmed text must keep this share of trafilatura's characters.
AGREE_SHARE = 0.6
# A first or last line shorter than this, or without a sentence's end, is
# label- or teaser-like: a headline, a kicker, a link's text, not prose.
SENTENCE_WORDS = 8
_SENTENCE_END = re.compile(r"[.!?…\"”»)。！？]$")


def _teaser_like(line: str) -> bool:
    return len(line.split()) < SENTENCE_WORDS or not _SENTENCE_END.search(line.strip())


def doubtful(text: str) -> bool:
    """Whether ``text`` starts or ends like page furniture, so the second candidate is worth its cost.

    Most bodies start and end with a sentence; a label, a headline or a
    teaser's link text at either end is what the trim removes, and on a
    text without one the trim can change nothing worth the densest-block pass.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    return bool(lines) and (_teaser_like(lines[0]) or _teaser_like(lines[-1]))


def agreed_text(text: str, candidate: Candidate | None) -> str:
    """``text`` without the leading and trailing lines that the candidate does not hold."""
    if candidate is None or not text:
        return text
    lines = text.split("\n")
    held = [candidate.holds(key(line)) for line in lines]
    if not any(held):
        return text
    first = held.index(True)
    last = len(held) - 1 - held[::-1].index(True)
    kept = "\n".join(lines[first : last + 1])
    if len(kept) < AGREE_SHARE * len(text):
        return text
    return kept
