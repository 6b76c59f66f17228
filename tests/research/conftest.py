"""Research-side fixtures: archives filled through the real write path (ArchiveService)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.fetch import ExtractedArticle, ExtractedContent, Fetch
from newsarchive.storage.warc.store import HttpExchange
from newsarchive.storage.write.service import CaptureResult

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def capture(
    archive: Archive,
    url: str,
    at: datetime = T0,
    *,
    source: str | None = "example",
    warc: bool = False,
    **fields: Any,
) -> CaptureResult:
    """Record one successful fetch of `url` whose extracted article is `fields` (its raw page in WARC if `warc`)."""
    content = {
        "title": "Untitled",
        "text": "",
        "authors": [],
        "captions": [],
        "published": None,
        "modified": None,
        "language": "en",
        "canonical_url": url,
        **fields,
    }
    fetch = Fetch(
        requested_url=url, final_url=url, status_code=200, fetched_at=at, body_sha256="ab" * 32, source=source
    )
    if warc:
        body = f"<html><title>{content['title']}</title><body>{content['text']}</body></html>".encode()
        fetch.warc = archive.warc.write(
            HttpExchange(
                url=url,
                method="GET",
                request_headers=[("User-Agent", "newsarchive-test")],
                request_body=b"",
                status=200,
                response_headers=[("Content-Type", "text/html; charset=utf-8")],
                body=body,
                fetched_at=at,
            )
        )
    return archive.service.record_capture(
        fetch, ExtractedContent(ExtractedArticle.from_fields(content), "newsarchive", "test 1")
    )


BUDGET = "https://news.example.com/2026/03/02/budget.html"
FLOOD = "https://news.example.com/2026/03/03/flood.html"
MARKET = "https://other.example.org/markets/chip-shares.html"
RECIPE = "https://other.example.org/food/cafe.html"


@pytest.fixture
def filled(archive: Archive) -> Archive:
    """Four articles on two domains; the budget story is edited twice."""
    capture(
        archive,
        BUDGET,
        title="Council approves budget",
        text="The city council approved the budget on Monday. The vote was seven to two.",
        authors=["Ana Ruiz"],
        captions=[{"caption": "The council chamber in session", "credit": "Photo: Lee Kim", "src": "x.jpg"}],
        published="2026-03-02",
    )
    capture(
        archive,
        BUDGET,
        T0 + timedelta(hours=3),
        title="Council rejects budget",
        text="The city council rejected the budget on Monday. The vote was two to seven.",
        authors=["Ana Ruiz"],
        published="2026-03-02",
    )
    capture(
        archive,
        FLOOD,
        T0 + timedelta(days=1),
        title="River floods the old town",
        text="Water rose two metres overnight. Residents of the old town were evacuated by boat.",
        authors=["Jo Park", "Sam Lee"],
        published="2026-03-03T06:30:00+01:00",
    )
    capture(
        archive,
        MARKET,
        T0 + timedelta(days=2),
        source="markets",
        title="Chip shares tumble",
        text="Semiconductor makers lost ground as the budget deficit worried investors.",
        authors=["Müller, Karin"],
        language="de",
        published="2026-03-04",
    )
    capture(
        archive,
        RECIPE,
        T0 + timedelta(days=3),
        source="markets",
        title="A café crème at home",
        text="Make a café crème with a moka pot. E-mail us your recipes.",
        language="fr",
    )
    return archive
