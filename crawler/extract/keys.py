"""The one comparison key of extraction: is this the same text, whatever its form?

Headlines against h1s and site names, bylines against author slugs, the lede
against the description, the headline near a shown date: all compare text
that differs in case, spacing, punctuation and Unicode form. One key for all
of them, so two passes never disagree about whether two strings match.
"""

from __future__ import annotations

import unicodedata


def squash(text: str | None) -> str:
    """NFKC, case-folded, letters and digits only ("Ｔhe  Café!" -> "thecafé")."""
    if not text:
        return ""
    if not unicodedata.is_normalized("NFKC", text):  # a quick check, usually true
        text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text.casefold() if ch.isalnum())
