"""Choosing between trafilatura's body and the densest block, by agreement.

The second candidate (``density.py``) is built without trafilatura's class
name lists, so where the two agree the text is the article. Where
trafilatura's text runs on past the densest block (teaser cards after the
article, a donation appeal, a "more stories" list in the same wrapper),
those closing lines are what only one of two extractors believes in, and
they go: the text is kept up to its last line that the candidate holds as
prose. The candidate never adds text, and nothing before that line is
dropped (a list or a table between paragraphs is the article even when
the densest block misses it; a standfirst above the densest block is part
of the article for some readers of the text and not for others, and
measured on the evaluation sets, cutting the start lost more than it won).

The trim is refused when it would keep less than ``AGREE_SHARE`` of the
text: then the two disagree about where the article is, and trafilatura's
choice stands.
"""

from __future__ import annotations

import re

from newsarchive.crawler.extract.body.density import Candidate, key

# The trimmed text must keep this share of trafilatura's characters.
AGREE_SHARE = 0.6
# A last line shorter than this, or without a sentence's end, is label- or
# teaser-like: a headline, a link's text, a credit, not prose.
SENTENCE_WORDS = 8
# How trafilatura's text writes a list item and a table row.
_STRUCTURED = ("- ", "|")
_SENTENCE_END = re.compile(r"[.!?…\"”»)。！？]$")


def teaser_like(line: str) -> bool:
    """Whether ``line`` reads like a label or a teaser's headline rather than a sentence."""
    return len(line.split()) < SENTENCE_WORDS or not _SENTENCE_END.search(line.strip())


def doubtful(text: str) -> bool:
    """Whether ``text`` ends like page furniture, so the second candidate is worth its cost.

    Most bodies end with a sentence; a teaser's headline, a label or a
    credit at the end is what the trim removes. On a text that ends with a
    sentence the densest-block pass is skipped (most pages).
    """
    lines = [line for line in text.split("\n") if line.strip()]
    return bool(lines) and teaser_like(lines[-1])


def _stays(line: str, candidate: Candidate) -> bool:
    """Whether the trim stops at ``line``: prose of the candidate, or a list item or table row that is no teaser.

    The densest block is made of paragraphs; a list or a table after the
    last paragraph (a schedule, a checklist) is the article too unless its
    items are links or page furniture on the page.
    """
    k = key(line)
    if candidate.holds(k):
        return True
    return bool(k) and line.lstrip().startswith(_STRUCTURED) and k not in candidate.linked_items


def agreed_text(text: str, candidate: Candidate | None) -> str:
    """``text`` without the trailing lines that the candidate does not hold."""
    if candidate is None or not text:
        return text
    lines = text.split("\n")
    last = next((i for i in range(len(lines) - 1, -1, -1) if _stays(lines[i], candidate)), None)
    if last is None:
        return text
    kept = "\n".join(lines[: last + 1])
    if len(kept) < AGREE_SHARE * len(text):
        return text
    return kept
