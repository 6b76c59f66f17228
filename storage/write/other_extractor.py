"""A capture compared with a latest version that another extractor read: what the difference means.

The write path first brings such an article to the current extractor
(ArchiveService.bring_to_current, crawler/crawl/pipeline/catch_up.py). When that
could not be done (the raw capture unreadable, the extractor failing on it,
a crawl racing it), the new reading is compared with the old extractor's
text, and the honest record depends on the bytes:

- the new capture's bytes are those of a capture of the latest version: the
  page did not change, only our reading of it did, so the version has cause
  "extractor" (no kinds of edit, `"extractor_change": true`);
- otherwise the page did change, but how much of the difference is the
  publisher's cannot be told: the version is an "edit" (the page's change is
  real) whose summary notes `"previous_extractor"`, the extractor version it
  was compared with, so a reader knows the diff mixes both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsarchive.storage.fetch import ExtractedContent, Fetch
from newsarchive.storage.models import Capture, Version
from newsarchive.storage.models.version import CAUSE_EXTRACTOR


def other_extractor_values(
    session: Session,
    latest: Version | None,
    fetch: Fetch,
    content: ExtractedContent,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """Columns that override a new version's when `latest` was read by another extractor (else none)."""
    if latest is None or latest.extractor_version == content.extractor_version:
        return {}
    same_bytes = fetch.body_sha256 is not None and (
        session.scalar(
            select(Capture.id)
            .where(Capture.version_id == latest.id, Capture.body_sha256 == fetch.body_sha256)
            .limit(1)
        )
        is not None
    )
    if same_bytes:
        return {
            "cause": CAUSE_EXTRACTOR,
            "edit_kinds": None,
            "revert_of": None,
            "changes": {**changes, "extractor_change": True},
        }
    return {"changes": {**changes, "previous_extractor": latest.extractor_version}}
