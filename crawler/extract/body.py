"""The article's main text: trafilatura, run the way that suits news pages.

trafilatura's precision mode gives the cleanest text on most pages but now
and then keeps only a fragment (a lead paragraph, a box) or nothing at all.
Measured on our evaluation sets, the balanced mode recovers those pages but
lets more page furniture through everywhere else. So precision runs first;
when its text is short for the page (little of the paragraph text on it),
balanced runs too and wins only if it finds at least twice as much.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from copy import deepcopy

from lxml.html import Element, HtmlElement
from trafilatura import bare_extraction
from trafilatura.settings import Extractor

from crawler.extract.frame import find_frame, trafilatura_frames

LOG = logging.getLogger(__name__)

# A precision result below this share of the page's <p> text, or below this
# many characters, is suspected of being a fragment.
SUSPECT_SHARE = 0.5
SUSPECT_CHARS = 1000
# The balanced result replaces it only when this many times longer.
RETRY_GAIN = 2.0
COVER_SHARE = 0.8
KEEP_SHARE = 0.8


def options(url: str | None, reference: date, *, precision: bool) -> Extractor:
    """trafilatura options, explicit and deterministic (no dedup cache, fixed date reference)."""
    return Extractor(
        output_format="python",
        precision=precision,
        comments=False,
        tables=True,
        dedup=False,
        # Metadata is ours (core.py); trafilatura's would run htmldate's slow
        # full-text date search on every page even when the date is declared.
        with_metadata=False,
        url=url,
        date_params={"original_date": True, "extensive_search": True, "max_date": reference.isoformat()},
    )


def _run(tree: HtmlElement, opts: Extractor, url: str | None) -> str:
    try:
        doc = bare_extraction(tree, options=opts)
    except Exception:  # noqa: BLE001 - trafilatura bugs on odd pages must not stop a batch
        LOG.warning("trafilatura failed on %s", url, exc_info=True)
        return ""
    return (doc.text if doc is not None else "") or ""


def _paragraph_chars(tree: HtmlElement) -> int:
    return sum(len(p.text_content().strip()) for p in tree.iter("p"))


_WORDS = re.compile(r"\w+")


def _key(line: str) -> str:
    return " ".join(_WORDS.findall(line.casefold()))


def _covers(new: str, old: str, frame: HtmlElement) -> float:
    """Share of ``old``'s characters from inside ``frame`` in lines that ``new`` also has."""
    have = {_key(line) for line in new.split("\n")}
    inside = _key(frame.text_content())
    lines = [key for key in map(_key, old.split("\n")) if key and key in inside]
    total = sum(len(key) for key in lines)
    return sum(len(key) for key in lines if key in have) / total if total else 1.0


def _framed_text(tree: HtmlElement, text: str, url: str | None, reference: date) -> str:
    frame = find_frame(tree)
    if frame is None or frame.tag in ("body", "html") or trafilatura_frames(tree, len(text)):
        return text
    doc = Element("html")
    holder = Element("body")
    doc.append(holder)
    copy = deepcopy(frame)
    copy.tag = "article"
    copy.tail = None
    holder.append(copy)
    framed = _run(doc, options(url, reference, precision=True), url)
    if len(framed) >= KEEP_SHARE * len(text) and _covers(framed, text, frame) >= COVER_SHARE:
        return framed
    return text



def main_text(tree: HtmlElement, url: str | None, reference: date) -> str:
    """The main text of ``tree`` (which trafilatura copies; it is not changed here)."""
    text = _run(tree, options(url, reference, precision=True), url)
    if len(text) < SUSPECT_CHARS or len(text) < SUSPECT_SHARE * _paragraph_chars(tree):
        retry = _run(tree, options(url, reference, precision=False), url)
        if len(retry) >= RETRY_GAIN * max(1, len(text)):
            text = retry
    return _framed_text(tree, text, url, reference)
