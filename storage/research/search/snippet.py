"""A plain-text snippet around the first matching word, the same on every database.

Made in Python rather than by FTS5's snippet() or PostgreSQL's ts_headline:
identical output on both engines, no markup to escape, and only the page's
few rows are ever cut.
"""

from __future__ import annotations

import re

SNIPPET_CHARS = 240


def snippet(text: str, words: list[str], width: int = SNIPPET_CHARS) -> str:
    """About `width` characters of `text` around the first of `words` (prefix match), on word boundaries."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    start = 0
    if words:
        alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
        found = re.search(rf"(?<!\w)(?:{alternatives})", flat, re.IGNORECASE)
        if found:
            # A third of the window before the word, for context.
            start = max(0, found.start() - width // 3)
    end = min(len(flat), start + width)
    start = max(0, min(start, end - width))
    if start > 0:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    return ("…" if start > 0 else "") + flat[start:end] + ("…" if end < len(flat) else "")
