"""Article extraction: HTML in, a typed :class:`Article` out.

Pure functions: no Scrapy, no storage. Reusable to re-extract archived HTML.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from newsarchive.crawler.extract.article import Article, Caption
from newsarchive.crawler.extract.core import extract_article

EXTRACTOR_NAME = "newsarchive"
# Bump the first number whenever our own code can change the output; the
# trafilatura and lxml versions are part of the string because a bump of
# either changes what is archived too.
_OUR_VERSION = 7


def _dist(name: str) -> str:
    try:
        return _version(name)
    except PackageNotFoundError:
        return "unknown"


EXTRACTOR_VERSION = (
    f"newsarchive-extract {_OUR_VERSION} / trafilatura {_dist('trafilatura')} / lxml {_dist('lxml')}"
)


__all__ = ["EXTRACTOR_NAME", "EXTRACTOR_VERSION", "Article", "Caption", "extract_article"]
