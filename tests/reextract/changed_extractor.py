"""A simulated extractor upgrade: the real extractor, then a change of our own, under a new version string.

Used in-process by the tests (`install`) and as a command wrapper for the
kill -9 test (`python -m tests.reextract.changed_extractor ARGS...` runs
`newsarchive ARGS...` with the changed extractor, logging each extraction to
$REEXTRACT_LOG and pausing $REEXTRACT_PAUSE seconds per page).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from datetime import datetime

from newsarchive.crawler.crawl.pipeline import extraction
from newsarchive.storage.fetch import ExtractedArticle

NEW_VERSION = "newsarchive-extract 99 / trafilatura test / lxml test"
# What the upgrade drops from every text: a line the old extractor let through.
DROPPED = "Officials said the measure would take effect next month"

_original = extraction.extract_fields


def changed_fields(
    body: bytes, url: str, fetched_at: datetime, content_type: str | None = None
) -> ExtractedArticle:
    article = _original(body, url, fetched_at, content_type)
    log = os.environ.get("REEXTRACT_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {url} {fetched_at.isoformat()}\n")
    pause = float(os.environ.get("REEXTRACT_PAUSE", "0") or 0)
    if pause:
        time.sleep(pause)
    kept = [line for line in article.text.split("\n") if DROPPED not in line]
    return replace(article, text="\n".join(kept))


def install(monkeypatch: object | None = None) -> None:
    """Swap the extractor in this process (through pytest's monkeypatch when given)."""
    if monkeypatch is not None:
        monkeypatch.setattr(extraction, "extract_fields", changed_fields)  # type: ignore[attr-defined]
        monkeypatch.setattr(extraction.ExtractionRunner, "extractor_version", NEW_VERSION)  # type: ignore[attr-defined]
        return
    extraction.extract_fields = changed_fields  # type: ignore[assignment]
    extraction.ExtractionRunner.extractor_version = NEW_VERSION


if __name__ == "__main__":
    install()
    from newsarchive.crawler.cli import main

    sys.argv = ["newsarchive", *sys.argv[1:]]
    main()
