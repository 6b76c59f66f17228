"""Reading an archived capture again: its raw bytes back from WARC, and whether a new reading can stand.

Shared by `newsarchive reextract` (crawler/reextract/runner.py) and by the
write path's catch-up (crawler/crawl/pipeline/catch_up.py), so both re-read an
article the same way.
"""

from __future__ import annotations

from pathlib import Path

from newsarchive.crawler.crawl.pipeline.page_rules import unusable_extraction
from newsarchive.storage.fetch import ExtractedArticle
from newsarchive.storage.warc.store import WarcLocation, read_capture_response
from newsarchive.storage.write.rebuild import ArchivedCapture

# Why an article is left as it was when the current extractor reads no article in one of its captures.
NO_ARTICLE = "the current extractor finds no article in a capture"


def raw_body(warc_dir: Path, capture: ArchivedCapture) -> bytes:
    """The capture's response body as archived; OSError or ValueError if it cannot be read.

    The body is checked against the capture's recorded digest
    (read_capture_response): read as this capture's, another fetch's record
    under a reused file name would rewrite the article's history.
    """
    if not capture.warc_file:
        raise ValueError("no WARC record")
    location = WarcLocation(capture.warc_file, capture.warc_offset, capture.warc_length or -1)
    try:
        return read_capture_response(warc_dir, location, capture.body_sha256).body
    except (OSError, ValueError):
        raise
    except Exception as exc:  # the WARC reader's own errors: other bytes at that offset, a damaged record
        raise ValueError(f"unreadable WARC record: {exc}") from exc


def refused(article: ExtractedArticle) -> str | None:
    """Why this reading cannot replace the archive's (the old extractor found an article here), or None."""
    if unusable_extraction(article) is not None or (article.kind or "article") != "article":
        return NO_ARTICLE
    return None
