"""Fixtures for the web side: an archive with a few articles, and a client on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import IN_CI

if not IN_CI:  # under CI a missing extra fails at the import below instead of skipping
    pytest.importorskip("fastapi", reason="the web side needs the api extra (fastapi, uvicorn, jinja2)")

from fastapi.testclient import TestClient  # noqa: E402

from newsarchive.crawler.web.app import create_app  # noqa: E402
from newsarchive.crawler.web.config import WebSettings  # noqa: E402
from newsarchive.storage.archive import Archive  # noqa: E402
from newsarchive.storage.config import ArchiveConfig  # noqa: E402
from newsarchive.storage.fetch import (  # noqa: E402
    ExtractedArticle,
    ExtractedContent,
    Fetch,  # noqa: E402
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://news.example.com/2026/03/01/budget.html"
OTHER_URL = "https://news.example.com/2026/03/02/xss.html"
TOKEN = "test-token-0123456789abcdef"
FIELDS = {
    "title": "Council approves budget",
    "text": "The council approved the budget on Monday.\nThe vote was 7 to 2.",
    "authors": ["Ana Ruiz"],
    "captions": [{"caption": "The council chamber", "credit": "Staff", "src": None, "alt": None}],
    "published": "2026-03-01",
    "modified": None,
    "language": "en",
    "canonical_url": URL,
}
XSS_TITLE = "<script>alert('x')</script> Mayor & council"


def record(archive: Archive, at: datetime, url: str = URL, **changes: object) -> int:
    fields = dict(FIELDS, canonical_url=url, **changes)
    fetch = Fetch(requested_url=url, final_url=url, status_code=200, fetched_at=at, body_sha256="ab" * 32)
    result = archive.service.record_capture(
        fetch, ExtractedContent(ExtractedArticle.from_fields(fields), "newsarchive", "test 1")
    )
    assert result.article_id is not None
    return result.article_id


@dataclass(frozen=True)
class Seeded:
    budget: int  # two versions: headline and one word of text changed
    xss: int  # one version whose title and text hold markup


@pytest.fixture
def seeded(archive: Archive) -> Seeded:
    budget = record(archive, T0)
    record(archive, T0 + timedelta(hours=1))  # unchanged: a capture, not a version
    record(
        archive,
        T0 + timedelta(hours=3),
        title="Council rejects budget",
        text="The council rejected the budget on Monday.\nThe vote was 7 to 2.",
    )
    xss = record(
        archive,
        T0 + timedelta(days=1),
        url=OTHER_URL,
        title=XSS_TITLE,
        text="Body with <b>markup</b> & <img src=x onerror=alert(1)>",
        authors=["<i>Eve</i>"],
    )
    return Seeded(budget=budget, xss=xss)


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(archive_config: ArchiveConfig) -> Iterator[MakeClient]:
    """A TestClient on an app over the test archive; keyword arguments become WebSettings."""
    clients: list[TestClient] = []

    def make(**settings: object) -> TestClient:
        client = TestClient(
            create_app(archive_config, WebSettings(**settings)), raise_server_exceptions=False
        )
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: MakeClient, seeded: Seeded) -> TestClient:
    return make_client()
