"""The one comparison key: equal for text that differs only in form, different for different text."""

from __future__ import annotations

from newsarchive.crawler.extract.keys import squash


def test_forms_of_the_same_text_share_a_key() -> None:
    composed, decomposed = "Café Noël", "Cafe\u0301 Noe\u0308l"
    assert squash(composed) == squash(decomposed) == "cafénoël"
    assert squash("ＴＨＥ ｆｕｌｌ-width") == squash("The Full Width") == "thefullwidth"
    assert squash("Straße") == squash("STRASSE")  # case folding, not lower()
    assert squash("ﬁnal — “edition”") == "finaledition"  # ligature and punctuation


def test_different_text_keeps_different_keys() -> None:
    # Accents are letters, not noise: "résumé" is not "resume" (an NFKD key said it was).
    assert squash("résumé") != squash("resume")
    assert squash("Ünal") != squash("Unal")
    assert squash("2024") != squash("2025")


def test_empty_and_none() -> None:
    assert squash(None) == squash("") == squash(" —! ") == ""
