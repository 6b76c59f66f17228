"""What recording one fetch did: the CaptureResult every ArchiveService write returns."""

from __future__ import annotations

from dataclasses import dataclass

from newsarchive.storage.models.capture import Outcome


@dataclass(frozen=True)
class CaptureResult:
    outcome: Outcome
    url: str
    capture_id: int
    article_id: int | None = None
    article_url: str | None = None
    version: int | None = None
    title: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome not in (Outcome.FAILED, Outcome.SKIPPED, Outcome.WALLED)
