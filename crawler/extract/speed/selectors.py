"""trafilatura's region selectors, compiled to Python (``xpath_subset``), for our extraction only.

trafilatura keeps its selectors as lists of ``lxml.etree.XPath`` objects at
module level (``trafilatura.xpaths``) and calls them as ``expression(tree)``.
``install`` swaps each one, in place, for a ``SwitchedSelector`` that runs
the compiled function while ``compiled_selectors()`` is active (around every
``extract_article``) and the original XPath otherwise, so plain trafilatura
in the same process (the benchmarks' baseline) is untouched.

Only expressions that call EXSLT ``re:test`` or test attributes of many
elements are swapped: their cost is libxml2's per-element evaluation and
callbacks into Python; a plain ``.//header`` is as fast in C. Measured over
every tenth evaluation page (``docs/extraction.md``): the swapped
selectors run 2-7x faster, and extraction costs about a quarter less CPU.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import trafilatura.xpaths as trafilatura_xpaths
from lxml.etree import XPath

from newsarchive.crawler.extract.speed.xpath_subset import Selector, Unsupported, compile_xpath

# The selector lists our extraction runs (main text, comments pruning, bylines).
SELECTOR_LISTS = (
    "BODY_XPATH",
    "OVERALL_DISCARD_XPATH",
    "PRECISION_DISCARD_XPATH",
    "TEASER_DISCARD_XPATH",
    "DISCARD_IMAGE_ELEMENTS",
    "RAW_TREE_PRUNE_XPATH",
    "REMOVE_COMMENTS_XPATH",
    "REMOVE_COMMENTS_AND_LISTS_XPATH",
    "AUTHOR_XPATHS",
    "AUTHOR_DISCARD_XPATHS",
)
# A path with no predicate over many elements is as fast in libxml2: leave it there.
_WORTH_COMPILING = ("re:test", "@")

_active: ContextVar[bool] = ContextVar("newsarchive_compiled_selectors", default=False)


class SwitchedSelector:
    """Called like trafilatura's XPath object: the compiled selector when active, else the XPath."""

    __slots__ = ("original", "compiled", "path")

    def __init__(self, original: XPath, compiled: Selector) -> None:
        self.original = original
        self.compiled = compiled
        self.path = original.path

    def __repr__(self) -> str:  # trafilatura logs its selectors at debug level
        return f"<SwitchedSelector {' '.join(self.path.split())[:80]!r}>"

    def __call__(self, context: Any, **variables: Any) -> Any:
        if variables or not _active.get():
            return self.original(context, **variables)
        return self.compiled(context)


@contextmanager
def compiled_selectors() -> Iterator[None]:
    """Within this block (one thread or task), trafilatura's swapped selectors run compiled."""
    token = _active.set(True)
    try:
        yield
    finally:
        _active.reset(token)


def install() -> list[str]:
    """Swap the selectors worth compiling; idempotent. Returns the names of those swapped."""
    swapped = []
    for list_name in SELECTOR_LISTS:
        selectors = getattr(trafilatura_xpaths, list_name)
        for i, selector in enumerate(selectors):
            if isinstance(selector, SwitchedSelector):
                swapped.append(f"{list_name}[{i}]")
                continue
            if not any(mark in selector.path for mark in _WORTH_COMPILING):
                continue
            try:
                compiled = compile_xpath(selector.path)
            except Unsupported:
                continue
            selectors[i] = SwitchedSelector(selector, compiled)
            swapped.append(f"{list_name}[{i}]")
    return swapped
