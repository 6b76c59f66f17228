"""The article's main text: trafilatura, run the way that suits news pages.

trafilatura's precision mode gives the cleanest text on most pages but now
and then keeps only a fragment (a lead paragraph, a box) or nothing at all.
Measured on our evaluation sets, the balanced mode recovers those pages but
lets more page furniture through everywhere else. So precision runs first;
when its text is short for the page (little of the paragraph text on it),
balanced runs too and wins only if it finds at least twice as much.

When the page names no article container trafilatura knows, its text is
loose paragraphs without the lists and sub-headings between them; then the
frame that holds the paragraphs (``frame.py``) is extracted on its own, and
that text wins when it keeps what the first run found inside the frame.
"""

from __future__ import annotations

import logging
from copy import deepcopy
from datetime import date

from lxml.html import Element, HtmlElement
from trafilatura import bare_extraction

from newsarchive.crawler.extract.body.frame import (
    MIN_MISSING,
    find_frame,
    key,
    missing_structure,
    trafilatura_frames,
)
from newsarchive.crawler.extract.body.split import merged_copy, split_blocks
from newsarchive.crawler.extract.speed import comparison

LOG = logging.getLogger(__name__)
comparison.install()

# A precision result below this share of the page's <p> text, or below this
# many characters, is suspected of being a fragment.
SUSPECT_SHARE = 0.5
SUSPECT_CHARS = 1000
# The balanced result replaces it only when this many times longer.
RETRY_GAIN = 2.0
# The frame's text replaces the page's when it has this share of the page
# text's characters from inside the frame, and is at least this long relative to it.
COVER_SHARE = 0.8
KEEP_SHARE = 0.8


def options(url: str | None, reference: date, *, precision: bool) -> comparison.NewsExtractor:
    """trafilatura options, explicit and deterministic (no dedup cache, fixed date reference)."""
    return comparison.NewsExtractor(
        output_format="python",
        precision=precision,
        comments=False,
        tables=True,
        dedup=False,
        # Metadata is ours (core.py); trafilatura's would run htmldate's slow
        # full-text date search on every page even when the date is declared.
        with_metadata=False,
        url=url,
        # trafilatura annotates these as dict[str, str]; htmldate reads the flags as booleans.
        date_params={"original_date": True, "extensive_search": True, "max_date": reference.isoformat()},  # type: ignore[dict-item]
    )


def _run(tree: HtmlElement, opts: comparison.NewsExtractor, url: str | None) -> str:
    try:
        doc = bare_extraction(tree, options=opts)
    except Exception:  # noqa: BLE001 - trafilatura bugs on odd pages must not stop a batch
        LOG.warning("trafilatura failed on %s", url, exc_info=True)
        return ""
    # A Document: bare_extraction returns a dict only with as_dict=True.
    return (doc.text if doc is not None else "") or ""  # type: ignore[union-attr]


def _paragraph_chars(tree: HtmlElement) -> int:
    return sum(len(p.text_content().strip()) for p in tree.iter("p"))


def _kept_share(new: str, old: str, within: HtmlElement | None = None) -> float:
    """Share of ``old``'s characters in lines that ``new`` also has.

    With ``within``, only lines of ``old`` found inside that element count:
    lines from outside it (footer addresses, disclaimers gathered from the
    whole page) may be lost, which is the point of extracting it alone.
    """
    have = {key(line) for line in new.split("\n")}
    inside = key(within.text_content()) if within is not None else None
    lines = [k for k in map(key, old.split("\n")) if k and (inside is None or k in inside)]
    total = sum(len(k) for k in lines)
    return sum(len(k) for k in lines if k in have) / total if total else 1.0


def _frame_document(frame: HtmlElement) -> HtmlElement:
    """A page holding only a copy of ``frame``, as an <article> for trafilatura to find."""
    doc = Element("html")
    holder = Element("body")
    doc.append(holder)
    article = deepcopy(frame)
    article.tag = "article"
    article.tail = None
    holder.append(article)
    return doc


def _framed_text(tree: HtmlElement, text: str, url: str | None, reference: date) -> str:
    """The frame's own text when trafilatura's ``text`` lost its lists and headings, else ``text``."""
    frame = find_frame(tree)
    if frame is None or frame.tag in ("body", "html") or missing_structure(frame, text) < MIN_MISSING:
        return text
    if trafilatura_frames(tree, len(text)):
        return text
    framed = _run(_frame_document(frame), options(url, reference, precision=True), url)
    if len(framed) >= KEEP_SHARE * len(text) and _kept_share(framed, text, within=frame) >= COVER_SHARE:
        return framed
    return text


def _joined_text(tree: HtmlElement, text: str, url: str | None, reference: date) -> str:
    """The whole body when ``text`` is the first of several sibling blocks (``split.py``), else ``text``."""
    blocks = split_blocks(tree, text)
    if not blocks:
        return text
    joined = _run(merged_copy(tree, blocks), options(url, reference, precision=True), url)
    # The merged run must keep what the first run found (the same container,
    # now whole) and add to it; anything else means it picked another element.
    if len(joined) > len(text) and _kept_share(joined, text) >= COVER_SHARE:
        return joined
    return text


def main_text(tree: HtmlElement, url: str | None, reference: date) -> str:
    """The main text of ``tree`` (which trafilatura copies; it is not changed here)."""
    text = _run(tree, options(url, reference, precision=True), url)
    if len(text) < SUSPECT_CHARS or len(text) < SUSPECT_SHARE * _paragraph_chars(tree):
        retry = _run(tree, options(url, reference, precision=False), url)
        if len(retry) >= RETRY_GAIN * max(1, len(text)):
            text = retry
    text = _joined_text(tree, text, url, reference)
    return _framed_text(tree, text, url, reference)
