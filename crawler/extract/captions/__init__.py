"""Image captions and their credits, read from the untouched page.

One concept a module: ``markup`` (figcaption, caption classes,
data-caption, microdata), ``structure`` (an image and a short text in one
small box), ``jsonld`` (``ImageObject.caption``), ``credit`` (splitting the
credit off), ``labels`` (what sits in a caption slot but is not a caption),
``region`` (article or furniture), ``scan`` (one pass that finds the
marked elements), ``images`` (the image's source and alt),
``merge`` (one list, no repeats), ``in_text`` (caption lines that reached
the body text).
"""

from __future__ import annotations

from lxml.html import HtmlElement

from newsarchive.crawler.extract.article import Caption
from newsarchive.crawler.extract.captions.credit import split_credit
from newsarchive.crawler.extract.captions.jsonld import jsonld_captions
from newsarchive.crawler.extract.captions.markup import (
    classed_captions,
    data_captions,
    figure_captions,
    microdata_captions,
)
from newsarchive.crawler.extract.captions.merge import merge_captions
from newsarchive.crawler.extract.captions.scan import scan
from newsarchive.crawler.extract.captions.structure import structural_captions
from newsarchive.crawler.extract.captions.text import block_text


def dom_captions(tree: HtmlElement, base: str | None) -> list[Caption]:
    """Every caption the page's markup and structure show, in order of how explicit the source is."""
    marked = scan(tree)
    return [
        *figure_captions(tree, base),
        *classed_captions(marked.classed, base),
        *microdata_captions(marked.microdata, base),
        *data_captions(marked.data, base),
        *structural_captions(tree, base),
    ]


__all__ = ["block_text", "dom_captions", "jsonld_captions", "merge_captions", "split_credit"]
