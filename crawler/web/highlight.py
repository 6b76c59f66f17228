"""The words a search matched, marked in a title or snippet.

The engines match whole tokens (FTS5) or stems (PostgreSQL), and a `word*`
term matches by prefix; a word in the text is marked when it starts with one
of the query's words, the rule the snippet uses to find its window
(newsarchive.storage.research.search.snippet). Plain text in, (text, marked) pieces out:
the template escapes each piece and wraps the marked ones in `<mark>`.
"""

from __future__ import annotations

import re

from newsarchive.storage.research.search.syntax import BadQuery, parse


def query_words(text: str | None) -> list[str]:
    """The words to mark for a query as typed (none for an empty or unusable query)."""
    if not text or not text.strip():
        return []
    try:
        return sorted(set(parse(text).positive_words()), key=len, reverse=True)
    except BadQuery:
        return []


def marked(text: str | None, words: list[str]) -> list[tuple[str, bool]]:
    """`text` cut into pieces, True for each word that starts with one of `words`."""
    if not text:
        return []
    if not words:
        return [(text, False)]
    alternatives = "|".join(re.escape(word) for word in words)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    last = 0
    for found in pattern.finditer(text):
        if found.start() > last:
            pieces.append((text[last : found.start()], False))
        pieces.append((found.group(), True))
        last = found.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces
