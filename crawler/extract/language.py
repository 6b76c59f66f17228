"""The language of an article's text, for pages that declare none.

py3langid (a maintained fork of langid.py) ships its model inside the
package: nothing is downloaded at run time. Its model loads in about three
seconds, once a process, and only the first time a page without a declared
language comes by. The answer is a bare ISO 639-1 code ("de"), kept apart
from the declared language (Article.language), which stays what the page said.

MIN_WORDS and MIN_CONFIDENCE were measured on the evaluation pages that
declare a language (bench/language.py, docs/extraction.md): below them the
detector is wrong often enough that no answer is better.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

MIN_WORDS = 15
MIN_CONFIDENCE = 0.9
# The detector reads at most this much: more text changes no answer and costs time.
MAX_CHARS = 5000

_WORD = re.compile(r"\w+")
_LOCK = threading.Lock()


@cache
def identifier() -> Any:
    """py3langid's identifier with probabilities, loaded once a process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    with _LOCK:
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_with_confidence(text: str) -> tuple[str | None, float]:
    """The most likely language and its probability; (None, 0.0) for too little text."""
    sample = text[:MAX_CHARS]
    if len(_WORD.findall(sample)) < MIN_WORDS:
        return None, 0.0
    language, probability = identifier().classify(sample)
    return str(language), float(probability)


def detect_language(text: str, *, min_confidence: float = MIN_CONFIDENCE) -> str | None:
    """The text's language as an ISO 639-1 code, or None when unsure or the text is too short."""
    language, probability = detect_with_confidence(text)
    return language if language is not None and probability >= min_confidence else None
