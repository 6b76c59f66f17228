"""A WARC file name taken again must never make another fetch's bytes pass for a capture's.

WARC files are named by day and serial: once a file is moved away, the next
file of that day can get its name, and a capture row's (file, offset) may
then hold a well-formed record of another fetch, even of the same URL with
the page since edited. Replay and the notebook read such a location as the
capture's; both must check the bytes against the digest the capture
recorded and refuse, as re-extraction already does
(tests/reextract/test_catch_up.py).
"""

from __future__ import annotations

import io
from datetime import UTC
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.crawler.web.app import create_app
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture
from newsarchive.storage.research.mementos import stamp
from newsarchive.storage.research.notebook import open_archive
from tests.helpers import capture
from tests.site.server import NewsSite

EDITED = "A paragraph the publisher added after the capture was made, in another fetch."


def record_of_another_fetch(config: ArchiveConfig, url: str, body: bytes) -> Capture:
    """Put a response record of other bytes for the same URL where the capture's record was."""
    with Archive(config) as archive, archive.sessions() as session:
        row = session.scalars(select(Capture).where(Capture.requested_url == url)).one()
        session.expunge(row)
    path = Path(config.warc_dir) / row.warc_file
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
    )
    path.write_bytes(path.read_bytes()[: row.warc_offset] + buffer.getvalue())
    return row


@pytest.fixture
def misplaced(news_site: NewsSite, archive_config: ArchiveConfig) -> tuple[str, Capture]:
    spec = news_site.articles[0]
    url = news_site.article_url(spec.slug)
    done = capture(archive_config, url)
    assert done.returncode == 0, done.stderr
    with Archive(archive_config) as archive, archive.sessions() as session:
        assert session.scalars(select(Capture.body_sha256)).one()  # the digest the check relies on
    other = f"<html><body><article><h1>{spec.title}</h1><p>{EDITED}</p></article></body></html>"
    return url, record_of_another_fetch(archive_config, url, other.encode())


def test_the_notebook_refuses_another_fetchs_bytes(
    misplaced: tuple[str, Capture], archive_config: ArchiveConfig
) -> None:
    url, _ = misplaced
    with open_archive(archive_config.db_url, home=archive_config.home) as archive:
        (row,) = list(archive.captures(archive.article(url)))
        with pytest.raises(ValueError, match="not this capture's"):
            archive.response(row)


def test_replay_refuses_another_fetchs_bytes(
    misplaced: tuple[str, Capture], archive_config: ArchiveConfig
) -> None:
    url, row = misplaced
    at = stamp(row.fetched_at.replace(tzinfo=row.fetched_at.tzinfo or UTC))
    with TestClient(create_app(archive_config)) as client:
        document = client.get(f"/web/{at}if_/{url}")  # the framed document: the archived bytes
        assert document.status_code == 500, document.text[:500]
        assert EDITED not in document.text
        assert "is not this capture" in document.text  # the page escapes the apostrophe
