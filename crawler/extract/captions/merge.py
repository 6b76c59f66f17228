"""One list of captions from every source: no labels, no credit-only lines, no repeats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from newsarchive.crawler.extract.article import Caption
from newsarchive.crawler.extract.captions.labels import is_label, is_only_credit, without_counter
from newsarchive.crawler.extract.captions.text import clean

# Containment counts as a repeat only for captions this long: "Berlin" is in many captions.
_MIN_CONTAINED = 20


def merge_captions(captions: list[Caption], headlines: Sequence[str | None] = ()) -> list[Caption]:
    """Drop empty, credit-only, label-only ("Powered by X") and repeated captions; the first wins.

    A later copy that is longer (the same caption with its credit glued on)
    does not replace the first: the first source read is the markup's.
    A caption that is the page's headline is a share card's or a teaser's
    text (an image whose alt is the headline), not a caption.
    """
    not_captions = {clean(h).casefold() for h in headlines if h} - {""}
    seen: list[str] = []
    out = []
    for cap in captions:
        text = without_counter(clean(cap.caption))
        key = text.casefold()
        if not key or key in not_captions or is_only_credit(text) or is_label(text):
            continue
        if any(key == s or (len(key) > _MIN_CONTAINED and (key in s or s in key)) for s in seen):
            continue
        seen.append(key)
        out.append(cap if text == cap.caption else replace(cap, caption=text))
    return out
