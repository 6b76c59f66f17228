"""Caption lines that reached the body text: a gallery list or a caption box kept by trafilatura."""

from __future__ import annotations

import re
import unicodedata

from newsarchive.crawler.extract.article import Caption

_WORDS = re.compile(r"\w+")
# Words a printed credit may carry before the name ("Foto: Lena Berg", "Photo by X").
_MAX_LABEL_CHARS = 16


def _key(line: str) -> str:
    return " ".join(_WORDS.findall(unicodedata.normalize("NFKC", line).casefold()))


def without_captions(text: str, captions: list[Caption]) -> str:
    """``text`` without the lines that are a caption followed by its credit as printed.

    The exact caption line and "caption credit" are removed by the body's
    own clean-up; what is left is the credit printed with a label between
    them ("… since 2014. Foto: Lena Berg"), which neither form matches.
    """
    pairs = [(_key(c.caption), _key(c.credit)) for c in captions if c.credit]
    pairs = [(cap, credit) for cap, credit in pairs if cap and credit]
    if not pairs:
        return text

    def is_caption(line: str) -> bool:
        key = _key(line)
        for cap, credit in pairs:
            if key.startswith(cap) and key.endswith(credit):
                between = len(key) - len(cap) - len(credit)
                if 0 <= between <= _MAX_LABEL_CHARS:
                    return True
        return False

    return "\n".join(line for line in text.split("\n") if not is_caption(line))
