"""Pure: an article text's MinHash signature and its LSH band hashes.

The signature is datasketch's MinHash over word shingles; what the archive
keeps is its values as bytes (so a stored signature compares with a new one
without datasketch's objects) and one 64-bit digest per band. Two texts whose
signatures agree on every value of at least one band become candidates; the
share of equal values estimates their Jaccard similarity.

SHINGLE, BANDS and ROWS were chosen by bench/stories.py on pairs built from
the evaluation pages (docs/stories.md); SCHEME names them, and is stored with
each signature, so a change of scheme can be told from old rows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import MinHash

# Words per shingle: short enough that a light edit (a word changed) spoils
# few shingles, long enough that two stories on one topic share few. Pairs
# of words scored best on the tuning half (bench/stories.py); unrelated texts
# share about 1% of them, too few to share a band.
SHINGLE = 2
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SEED = 17
SCHEME = f"w{SHINGLE}-p{NUM_PERM}-b{BANDS}-s{SEED}"
# Fewer shingles than this and the text is too short to say it is the same
# story as another (a caption page, a stub): such an article is a cluster of one.
MIN_SHINGLES = 20

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The text's words, case-folded: markup, punctuation and line breaks do not matter."""
    return [word.casefold() for word in _WORD.findall(text)]


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    tokens = words(text)
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


@cache
def _base(num_perm: int, seed: int) -> MinHash:
    # The permutations are drawn once a process: drawing them is most of the
    # cost of a fresh MinHash.
    return MinHash(num_perm=num_perm, seed=seed, scheme="affine32")


@dataclass(frozen=True)
class Signature:
    values: np.ndarray  # NUM_PERM unsigned 32-bit minima
    shingles: int

    def to_bytes(self) -> bytes:
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, shingles: int) -> Signature:
        return cls(np.frombuffer(data, dtype="<u4"), shingles)

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets (0 for signatures of other sizes)."""
        if len(self.values) != len(other.values) or not len(self.values):
            return 0.0
        return float(np.count_nonzero(self.values == other.values)) / len(self.values)

    def band_hashes(self, bands: int = BANDS) -> list[int]:
        """One signed 64-bit digest per band (a BIGINT on PostgreSQL).

        The band's number goes into its digest, so equal digests mean the
        same band with the same values, and the archive finds candidates
        with one `hash IN (...)` on an index of the hashes alone (SQLite
        does not use a two-column index for a list of row values).
        """
        rows = len(self.values) // bands
        raw = self.values.astype("<u4").tobytes()
        width = rows * 4
        return [
            int.from_bytes(
                hashlib.blake2b(
                    bytes([b]) + raw[b * width : (b + 1) * width], digest_size=8, person=b"nwsband"
                ).digest(),
                "little",
                signed=True,
            )
            for b in range(bands)
        ]


def signature(
    text: str, *, size: int = SHINGLE, num_perm: int = NUM_PERM, seed: int = SEED
) -> Signature | None:
    """The text's signature, or None when it has too few shingles to compare."""
    found = shingles(text, size)
    if len(found) < MIN_SHINGLES:
        return None
    sketch = MinHash(
        num_perm=num_perm, seed=seed, permutations=_base(num_perm, seed).permutations, scheme="affine32"
    )
    sketch.update_batch([shingle.encode("utf-8") for shingle in found])
    return Signature(np.asarray(sketch.hashvalues, dtype=np.uint32), len(found))


def jaccard(a: set[str], b: set[str]) -> float:
    """The exact similarity the signature estimates (for tests and the benchmark)."""
    return len(a & b) / len(a | b) if a or b else 0.0
