"""Small text clean-ups applied to the extracted body."""

from __future__ import annotations

import re
import unicodedata

_WORDS = re.compile(r"\w+")


def _key(line: str) -> str:
    return " ".join(_WORDS.findall(unicodedata.normalize("NFKC", line).casefold()))


def remove_lines(text: str, unwanted: list[str], credits: list[str | None] = ()) -> str:  # type: ignore[assignment]
    """Drop body lines that are one of ``unwanted`` (ignoring punctuation and case).

    A line that is a credit ("Photo: Jane Doe, Agency") goes too: a short
    line ending with a known credit.
    """
    keys = {_key(u) for u in unwanted if u}
    keys.discard("")
    tails = {_key(c) for c in credits if c}
    tails.discard("")
    if not keys and not tails:
        return text

    def unwanted_line(line: str) -> bool:
        key = _key(line)
        if key in keys:
            return True
        return any(key.endswith(t) and len(key) <= len(t) + 12 for t in tails)

    return "\n".join(line for line in text.split("\n") if not unwanted_line(line))


def tidy_text(text: str) -> str:
    """Strip trailing spaces and collapse runs of blank lines; keep paragraph breaks."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip()
