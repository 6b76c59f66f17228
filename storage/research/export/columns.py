"""The export's columns: one row per version, and how many rows a batch holds.

Apart from formats.py so that each writer (parquet.py) reads the columns
without importing the module that dispatches to it.
"""

from __future__ import annotations

from newsarchive.storage.models import Article, Version

BATCH_ROWS = 1000

# One row per version: (output name, column). Publisher dates stay the ISO
# strings found on the page; our own times are UTC ISO 8601.
COLUMNS = [
    ("article_id", Article.id),
    ("version_id", Version.id),
    ("url", Article.canonical_url),
    ("domain", Article.domain),
    ("source", Article.source),
    ("status", Article.status),
    ("version", Version.number),
    ("versions", Article.version_count),
    ("title", Version.title),
    ("text", Version.text),
    ("authors", Version.authors),
    ("captions", Version.captions),
    ("description", Version.description),
    ("published", Version.published),
    ("modified", Version.modified),
    ("language", Version.language),
    # Detected from the text where the page declares no language (crawler/extract/language.py).
    ("detected_language", Version.detected_language),
    ("sitename", Version.sitename),
    ("word_count", Version.word_count),
    ("flags", Version.flags),
    ("first_seen", Version.first_seen_at),
    ("last_seen", Version.last_seen_at),
    ("article_first_seen", Article.first_seen_at),
    ("last_checked", Article.last_checked_at),
    ("changes", Version.changes),
    # The kinds of this edit (storage/write/edit_kinds.py) and the version a revert restores.
    ("kinds", Version.edit_kinds),
    ("revert_of", Version.revert_of),
    # "edit" or "extractor" (a version made by `newsarchive reextract`, not the publisher).
    ("cause", Version.cause),
    # The story cluster: the same story at other URLs and outlets (storage/stories/).
    ("cluster_id", Article.cluster_id),
    # The feed or news sitemap record as it stood at this version (write/declared.py).
    ("declared", Version.declared),
    ("content_hash", Version.content_hash),
    ("extractor", Version.extractor),
    ("extractor_version", Version.extractor_version),
]
COLUMN_NAMES = [name for name, _ in COLUMNS]
LIST_COLUMNS = {"authors", "flags", "kinds"}
JSON_COLUMNS = {"captions", "changes", "declared"}
TIME_COLUMNS = {"first_seen", "last_seen", "article_first_seen", "last_checked"}
