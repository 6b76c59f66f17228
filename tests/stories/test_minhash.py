"""MinHash signatures and LSH bands (pure)."""

from __future__ import annotations

from newsarchive.storage.stories.minhash import (
    BANDS,
    MIN_SHINGLES,
    NUM_PERM,
    SHINGLE,
    Signature,
    jaccard,
    shingles,
    signature,
)

STORY = (
    "Flood defences along the river held overnight as water levels reached their highest point "
    "in forty years, the environment agency said on Tuesday. Engineers worked through the night "
    "to reinforce a section of wall near the old bridge, and about two hundred homes in the lower "
    "town were evacuated as a precaution. Residents were told they could return by the weekend if "
    "the rain eased as forecast. The mayor thanked volunteers who filled sandbags in the market square."
)
OTHER = (
    "The central bank left interest rates unchanged on Thursday but signalled that a cut could come "
    "before the end of the year if inflation keeps falling. Markets had expected the decision, and "
    "shares in the largest lenders moved little. The governor said wage growth remained strong and "
    "that the bank would watch energy prices closely over the winter months ahead of its next meeting."
)


def test_the_same_text_has_the_same_signature_and_bands_in_any_layout() -> None:
    a = signature(STORY)
    b = signature("  " + STORY.replace(". ", ".\n\n").upper())  # re-wrapped, other case
    assert a is not None and b is not None
    assert a.similarity(b) == 1.0
    assert a.band_hashes() == b.band_hashes()
    assert len(a.band_hashes()) == BANDS and len(a.values) == NUM_PERM


def test_similarity_estimates_the_jaccard_of_word_shingles() -> None:
    edited = STORY.replace("forty years", "four decades").replace("two hundred", "200")
    sa, sb = signature(STORY), signature(edited)
    assert sa is not None and sb is not None
    exact = jaccard(shingles(STORY), shingles(edited))
    assert 0.6 < exact < 0.95
    assert abs(sa.similarity(sb) - exact) < 0.15  # 128 permutations: a standard error of about 0.04
    unrelated = signature(OTHER)
    assert unrelated is not None and sa.similarity(unrelated) < 0.1
    assert not set(sa.band_hashes()) & set(unrelated.band_hashes())


def test_a_text_too_short_to_compare_has_no_signature() -> None:
    short = " ".join(STORY.split()[: MIN_SHINGLES + SHINGLE - 2])  # MIN_SHINGLES - 1 shingles
    assert signature(short) is None
    assert signature("") is None


def test_signatures_round_trip_through_bytes() -> None:
    sig = signature(STORY)
    assert sig is not None
    back = Signature.from_bytes(sig.to_bytes(), sig.shingles)
    assert back.similarity(sig) == 1.0 and back.band_hashes() == sig.band_hashes()
    assert len(sig.to_bytes()) == NUM_PERM * 4
    # Band hashes fit a signed 64-bit column.
    assert all(-(2**63) <= h < 2**63 for h in sig.band_hashes())
