"""Hostile requests (issue #21): huge bodies, broad searches, extreme filter values, exports into
pipes and devices. Each is refused early with one clear answer, or handled, never a 500 or a hang."""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.fetch import ExtractedArticle, ExtractedContent, Fetch
from newsarchive.storage.research.export import formats
from newsarchive.storage.research.export.manifest import verify_manifest
from newsarchive.storage.research.search.query import QueryTooBroad, SearchQuery, search
from tests.helpers import cli_argv, newsarchive

fastapi = pytest.importorskip("fastapi.testclient")

from newsarchive.crawler.web.app import create_app  # noqa: E402
from newsarchive.crawler.web.config import WebSettings  # noqa: E402
from tests.research.test_search_limits import outlasting  # noqa: E402
from tests.web.serving import serving  # noqa: E402
from tests.web.test_body_limits import CHUNK, HUGE_CHUNKS, Offered, call  # noqa: E402

BODY_GROUP = "Hostile requests: bodies (#21)"
SEARCH_GROUP = "Hostile requests: broad searches (#21)"
FILTER_GROUP = "Hostile requests: extreme filter values (#21)"
EXPORT_GROUP = "Hostile requests: export targets (#21)"
TOKEN = "reliability-token-0123456789"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def authored(archive: Archive) -> Archive:
    for n in range(3):
        url = f"https://news.example.com/2026/03/0{n + 1}/story-{n}.html"
        fields = {
            "title": f"Council story {n}",
            "text": f"The council met about the harbour, story {n}.",
            "authors": [f"Writer {n}"],
            "captions": [],
            "published": "2026-03-01",
            "modified": None,
            "language": "en",
            "canonical_url": url,
        }
        fetch = Fetch(
            requested_url=url,
            final_url=url,
            status_code=200,
            fetched_at=T0 + timedelta(hours=n),
            body_sha256="ab" * 32,
            source="example",
        )
        archive.service.record_capture(
            fetch, ExtractedContent(ExtractedArticle.from_fields(fields), "newsarchive", "test 1")
        )
    return archive


@pytest.fixture
def sqlite_config(tmp_path: Path) -> ArchiveConfig:
    """For the cases where the database plays no part (bodies are refused before any query)."""
    return ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'bodies.db'}")


def test_huge_streamed_form_post_over_a_socket(sqlite_config: ArchiveConfig, case) -> None:
    entry = case(
        BODY_GROUP,
        "256 MiB chunked form post to /web/capture (real server)",
        "413 before the body is read; the server keeps answering",
        before="a 500 MB form post peaked the server at 1 GB before its 413",
    )
    offered, yielded = 256 << 20, 0

    def body() -> Iterator[bytes]:
        nonlocal yielded
        block = b"url=" + b"a" * (CHUNK - 4)
        while yielded < offered:
            yielded += len(block)
            yield block

    with serving(sqlite_config) as base:
        response = httpx.post(
            base + "/web/capture",
            content=body(),
            headers={"content-type": "application/x-www-form-urlencoded"},
            timeout=60,
        )
        assert response.status_code == 413
        assert yielded < offered // 8
        assert httpx.get(base + "/articles", timeout=10).status_code == 200
    entry.observed = f"413 after the client sent {yielded / (1 << 20):.1f} MiB of 256 MiB"


def test_anonymous_capture_post_is_refused_unread(sqlite_config: ArchiveConfig, case) -> None:
    entry = case(
        BODY_GROUP,
        "64 MiB JSON post to /captures without a token",
        "401; not a byte of the body read",
        before="the body was read in full before the token was checked (300 MB JSON: 1.4 GB)",
    )
    receive = Offered(b'{"url": "http://example.org/"}', HUGE_CHUNKS)
    status, _headers, _body = call(
        sqlite_config, "POST", "/captures", {"content-type": "application/json"}, receive
    )
    assert status == 401 and receive.taken == 0
    entry.observed = f"{status}; {receive.taken} chunks read"


def test_declared_huge_length_is_refused_unread(sqlite_config: ArchiveConfig, case) -> None:
    entry = case(BODY_GROUP, "Content-Length: 500 MB on a form post", "413; not a byte of the body read")
    receive = Offered(b"url=x", HUGE_CHUNKS)
    headers = {"content-type": "application/x-www-form-urlencoded", "content-length": str(500 << 20)}
    status, _headers, _body = call(sqlite_config, "POST", "/web/capture", headers, receive)
    assert status == 413 and receive.taken == 0
    entry.observed = f"{status}; {receive.taken} chunks read"


def test_long_invalid_url_is_not_echoed(sqlite_config: ArchiveConfig, case) -> None:
    entry = case(
        BODY_GROUP,
        "12,000-character URL in a capture request",
        "422 echoing at most 200 characters",
        before="a 10 MB invalid URL was echoed back whole in the 422",
    )
    with fastapi.TestClient(create_app(sqlite_config, WebSettings(capture_token=TOKEN))) as client:
        response = client.post(
            "/captures",
            json={"url": "http://example.org/" + "x" * 12_000},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    assert response.status_code == 422 and len(response.content) < 1000
    entry.observed = f"422, {len(response.content)} bytes"


def test_search_past_its_deadline(authored: Archive, db_url: str, case) -> None:
    backend = db_url.split(":")[0]
    entry = case(
        SEARCH_GROUP,
        f"search that outlasts its time limit ({backend})",
        "QueryTooBroad, one line",
        before="no time limit: 32 prefix terms with all_versions took 11 s at 50k articles",
    )
    with authored.sessions() as session:
        with outlasting(authored) as seconds, pytest.raises(QueryTooBroad) as stopped:
            search(session, SearchQuery(text="counc* harb*", all_versions=True), timeout=seconds)
        assert search(session, SearchQuery(text="council")).total == 3
    entry.observed = str(stopped.value)[:90]


def test_search_burst_leaves_pages_answering(authored: Archive, archive_config: ArchiveConfig, case) -> None:
    entry = case(
        SEARCH_GROUP,
        f"searches beyond the server's slots ({archive_config.db_url.split(':')[0]})",
        "503 at once with Retry-After; article pages still 200",
        before="45 concurrent q=a* filled the thread pool; an article page then took 19 s",
    )
    with fastapi.TestClient(create_app(archive_config, WebSettings(max_parallel_searches=2))) as client:
        slots = client.app.state.search_slots
        with slots.take(), slots.take():
            busy = [client.get("/articles", params={"q": "harb*"}) for _ in range(10)]
            article = client.get("/web/articles/1")
        assert [r.status_code for r in busy] == [503] * 10 and busy[0].headers["retry-after"] == "1"
        assert article.status_code == 200
        assert client.get("/articles", params={"q": "harb*"}).json()["total"] == 3
    entry.observed = "10 × 503 while 2 searches ran; article page 200; search 200 after"


EXTREMES = {
    "published_to=9999-12-31": {"published_to": "9999-12-31"},
    "captured_from=0001-01-01T00:00:00+14:00": {"captured_from": "0001-01-01T00:00:00+14:00"},
    "author=NUL": {"author": "\x00"},
    "source=NUL": {"source": "x\x00"},
    "domain=NUL": {"domain": "\x00"},
    "language=NUL": {"language": "\x00"},
    "q=a* (one-letter prefix)": {"q": "a*"},
}


def test_extreme_filter_values_over_http(authored: Archive, archive_config: ArchiveConfig, case) -> None:
    backend = archive_config.db_url.split(":")[0]
    for name, params in EXTREMES.items():
        entry = case(
            FILTER_GROUP,
            f"{name} on /articles and / ({backend})",
            "400 or 422 with a reason; no 500",
            before="500 (extreme dates on both databases, NUL on PostgreSQL); author=%00 matched every author",
        )
        with fastapi.TestClient(create_app(archive_config)) as client:
            api, page = client.get("/articles", params=params), client.get("/", params=params)
        assert api.status_code in (400, 422) and page.status_code == 400, (name, api.text[:200])
        detail = api.json()["detail"]
        entry.observed = f"{api.status_code}: {detail if isinstance(detail, str) else detail[0]['msg']}"[:120]


def test_extreme_dates_on_the_command_line(tmp_path: Path, case) -> None:
    entry = case(
        FILTER_GROUP,
        "search --published-to 9999-12-31 (CLI)",
        "usage error, exit 2, no traceback",
        before="OverflowError traceback",
    )
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    done = newsarchive(config, "search", "x", "--published-to", "9999-12-31")
    assert done.returncode == 2 and "Traceback" not in done.stderr and "must be between" in done.stderr
    entry.observed = done.stderr.strip().splitlines()[-1][:120]


def _cli(config: ArchiveConfig) -> list[str]:
    return cli_argv(config)


def test_export_into_a_pipe_and_a_device(
    authored: Archive, archive_config: ArchiveConfig, tmp_path: Path, case
) -> None:
    entry = case(
        EXPORT_GROUP,
        "export --out /dev/stdout into a pipe; --out a link to /dev/zero",
        "finishes, exit 0",
        before="hung, reading its output back for the checksum",
    )
    piped = subprocess.run(
        [*_cli(archive_config), "export", "--format", "jsonl", "--out", "/dev/stdout"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    zero = newsarchive(archive_config, "export", "--out", str(link), timeout=60)
    assert piped.returncode == 0 and len(piped.stdout.splitlines()) == 3
    assert zero.returncode == 0
    entry.observed = f"pipe: {len(piped.stdout)} bytes, exit 0; /dev/zero: exit 0"


def test_failed_re_export_keeps_the_previous(
    authored: Archive, db_url: str, tmp_path: Path, monkeypatch, case
) -> None:
    entry = case(
        EXPORT_GROUP,
        f"re-export fails half-way (disk full) ({db_url.split(':')[0]})",
        "previous file and manifest untouched",
        before="a truncated file beside the previous manifest",
    )
    out = tmp_path / "x.jsonl"
    with authored.sessions() as session:
        formats.export(session, SearchQuery(), "jsonl", out)
    before = out.read_bytes()
    real_rows = formats.iter_rows

    def full_disk(session, query, batch=formats.BATCH_ROWS):
        yield next(iter(real_rows(session, query)))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(formats, "iter_rows", full_disk)
    with authored.sessions() as session, pytest.raises(OSError):
        formats.export(session, SearchQuery(), "jsonl", out)
    assert out.read_bytes() == before and verify_manifest(Path(f"{out}.manifest.json")) == []
    assert not list(tmp_path.glob(".x.jsonl.*.part"))
    entry.observed = "previous export intact, manifest verifies, no temporary file left"
