"""Long and repetitive versions: the change summary never holds the write lock, and no fetch is lost.

A capture's change summary diffs the new text against the latest version's.
It used to run inside the write transaction with a quadratic diff: a page of
90 paragraphs of one repeated word held SQLite's write lock for 214 s, and a
capture started meanwhile exited with "database is locked", its fetch lost.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from newsarchive.storage import db as storage_db
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.fetch import ExtractedArticle, ExtractedContent, Fetch
from newsarchive.storage.models import Capture, Version
from newsarchive.storage.write import service as service_module
from newsarchive.storage.write import versions
from newsarchive.storage.write.record_batch import Write

GROUP = "Long and repetitive versions (change summaries and diffs)"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://news.example.com/repetitive.html"
# The page from the issue: 90 paragraphs of one repeated word, then edited.
REPETITIVE_V1 = "\n".join(" ".join(["buffalo"] * 90) for _ in range(90))
REPETITIVE_V2 = "\n".join(" ".join(["buffalo"] * 89 + ["bison"]) for _ in range(90))


def content(body: str, url: str = URL) -> ExtractedContent:
    fields = {"title": "Buffalo", "text": body, "authors": [], "captions": [], "canonical_url": url}
    return ExtractedContent(ExtractedArticle.from_fields(fields), "newsarchive", "test")


def fetch(at: datetime, url: str = URL) -> Fetch:
    return Fetch(requested_url=url, final_url=url, status_code=200, fetched_at=at, body_sha256="cd" * 32)


def _lock_probe(config: ArchiveConfig) -> Any:
    """A function that tries to take the write lock another writer would need, without waiting."""
    if config.db_url.startswith("sqlite"):
        path = config.db_url.removeprefix("sqlite:///")

        def probe_sqlite() -> str:
            connection = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("ROLLBACK")
                return "free"
            except sqlite3.OperationalError as exc:
                return str(exc)
            finally:
                connection.close()

        return probe_sqlite
    engine = create_engine(config.db_url)

    def probe_postgres() -> str:
        with engine.connect() as connection:
            try:
                connection.execute(text("SELECT id FROM articles FOR UPDATE NOWAIT"))
                return "free"
            except OperationalError as exc:
                return str(exc.orig).splitlines()[0]
            finally:
                connection.rollback()

    return probe_postgres


def test_the_change_summary_is_computed_with_no_write_lock_held(
    case, archive: Archive, archive_config: ArchiveConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = case(
        GROUP,
        f"v2 of a page of 90 paragraphs of one repeated word ({archive.engine.dialect.name})",
        "summary diffed before the write transaction: another writer can take the lock meanwhile",
        before="the quadratic word diff ran inside the write transaction: 214 s holding the lock",
    )
    archive.service.record_capture(fetch(T0), content(REPETITIVE_V1))
    probe = _lock_probe(archive_config)
    probes: list[str] = []
    real = versions.normalised_content

    def normalised_while_probing(fields: Any) -> Any:
        probes.append(probe())  # the moment the summary is being computed
        return real(fields)

    monkeypatch.setattr(versions, "normalised_content", normalised_while_probing)
    result = archive.service.record_capture(fetch(T0 + timedelta(hours=1)), content(REPETITIVE_V2))
    assert probes, "the summary was never computed"
    assert set(probes) == {"free"}, probes
    assert (result.outcome, result.version) == ("new_version", 2)
    with archive.sessions() as session:
        changes = session.scalar(select(Version.changes).where(Version.number == 2))
    assert (changes["words_added"], changes["words_removed"], "diff_level" in changes) == (90, 90, False)
    entry.observed = f"lock free during all {len(probes)} summary computations; +90/-90 words, word level"


def test_a_summary_prepared_against_a_version_since_replaced_is_recomputed(archive: Archive) -> None:
    """Another writer added a version between the summary and the transaction: the stored one is right."""
    service = archive.service
    service.record_capture(fetch(T0), content("One two three."))
    from newsarchive.storage.write.summaries import prepare_summaries

    [stale] = prepare_summaries(service.sessions, [(fetch(T0), content("One two three four."))])
    service.record_capture(fetch(T0 + timedelta(hours=1)), content("One two three five six."))
    work = service.capture_work(fetch(T0 + timedelta(hours=2)), content("One two three four."), stale)
    result = service.in_transaction(work)
    with archive.sessions() as session:
        changes = session.scalar(select(Version.changes).where(Version.number == 3))
    assert result.version == 3 and (changes["words_added"], changes["words_removed"]) == (1, 2)


@pytest.mark.parametrize("path", ["record_capture", "record_many"])
def test_a_write_that_times_out_on_a_lock_is_kept_as_a_failed_capture(
    case, tmp_path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """The capture's transaction cannot get the lock; its fetch is still recorded, with the reason."""
    entry = case(
        GROUP,
        f"capture whose write times out on a lock ({path}, sqlite)",
        "a failed capture row with the reason, no traceback, no fetch lost",
        before="exit 1 with a 'database is locked' traceback; the fetched page had no capture row",
    )
    monkeypatch.setattr(storage_db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(service_module, "MAX_ATTEMPTS", 2)
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    with Archive(config) as archive:
        holder = sqlite3.connect(tmp_path / "archive.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer holding the lock too long
        real_failure = archive.service.record_write_failure

        def release_then_record(*args: Any) -> Any:
            holder.execute("ROLLBACK")  # the other writer finishes; the failure row can go in
            return real_failure(*args)

        monkeypatch.setattr(archive.service, "record_write_failure", release_then_record)
        if path == "record_capture":
            result = archive.service.record_capture(fetch(T0), content("Some text."))
        else:
            [result] = archive.service.record_many([Write("capture", fetch(T0), content("Some text."))])
        holder.close()
        assert not isinstance(result, Exception), result
        assert (result.outcome, result.reason) == ("failed", "archive write failed: database is locked")
        with archive.sessions() as session:
            rows = session.execute(select(Capture.outcome, Capture.error, Capture.requested_url)).all()
        assert rows == [("failed", "archive write failed: database is locked", URL)]
    entry.observed = f"capture row: {rows[0][0]}, {rows[0][1]!r}"


def test_many_writers_meanwhile_all_get_their_rows(case, archive: Archive) -> None:
    """While v2 of the repetitive page is recorded, other captures land and none is lost."""
    entry = case(
        GROUP,
        f"8 captures of other pages while v2 of the repetitive page is written ({archive.engine.dialect.name})",
        "every capture recorded, no lock error",
        before="a capture started meanwhile waited 204 s and exited 1 with no row",
    )
    archive.service.record_capture(fetch(T0), content(REPETITIVE_V1))
    errors: list[BaseException] = []

    def other(index: int) -> None:
        url = f"https://news.example.com/other-{index}.html"
        try:
            archive.service.record_capture(fetch(T0, url), content(f"Other page {index}.", url))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=other, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    archive.service.record_capture(fetch(T0 + timedelta(hours=1)), content(REPETITIVE_V2))
    for thread in threads:
        thread.join()
    with archive.sessions() as session:
        captures = session.scalar(select(func.count()).select_from(Capture))
        failed = session.scalar(select(func.count()).select_from(Capture).where(Capture.outcome == "failed"))
    assert not errors and (captures, failed) == (10, 0)
    entry.observed = f"{captures} captures, {failed} failed"


HUGE_WORDS = 220_000


def huge_versions() -> tuple[str, str]:
    """Two versions of 220k words in 2,200 paragraphs, every tenth paragraph rewritten."""
    rng = random.Random(21)
    vocabulary = [f"w{i}" for i in range(5000)]
    paragraphs = [" ".join(rng.choices(vocabulary, k=HUGE_WORDS // 2200)) + "." for _ in range(2200)]
    edited = [
        " ".join(rng.choices(vocabulary, k=HUGE_WORDS // 2200)) + "." if i % 10 == 0 else p
        for i, p in enumerate(paragraphs)
    ]
    return "\n".join(paragraphs), "\n".join(edited)


@pytest.fixture
def huge_archive(tmp_path) -> ArchiveConfig:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    old, new = huge_versions()
    with Archive(config) as archive:
        archive.service.record_capture(fetch(T0), content(old))
        archive.service.record_capture(fetch(T0 + timedelta(hours=1)), content(new))
    return config


def test_the_diff_endpoint_on_two_versions_of_220k_words_answers_by_paragraphs(
    case, huge_archive: ArchiveConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = case(
        GROUP,
        "API and web diff of two versions of 220k words, a tenth of the paragraphs rewritten",
        'bounded work; answers with "too large to diff word by word; showing paragraphs"; cached',
        before="never answered; the thread ran on for 28 CPU-minutes after the client left",
    )
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from newsarchive.crawler.web.app import create_app
    from newsarchive.crawler.web.config import WebSettings
    from newsarchive.storage.research import diffs

    calls: list[int] = []
    real = diffs.diff_text
    monkeypatch.setattr(diffs, "diff_text", lambda *a: calls.append(1) or real(*a))
    old, new = huge_versions()
    with TestClient(create_app(huge_archive, WebSettings())) as client:
        data = client.get("/articles/1/diff").json()
        page = client.get("/web/articles/1/diff")
    assert data["notice"] == "too large to diff word by word; showing paragraphs"
    text = next(f for f in data["fields"] if f["field"] == "text")
    assert text["level"] == "paragraphs"
    assert "".join(op["text"] for op in text["ops"] if op["op"] != "insert") == old
    assert "".join(op["text"] for op in text["ops"] if op["op"] != "delete") == new
    assert page.status_code == 200 and "Too large to diff word by word; showing paragraphs." in page.text
    assert len(calls) == 3  # headline, text and captions once: the page reused the API's diff
    with Archive(huge_archive) as archive, archive.sessions() as session:
        changes = session.scalar(select(Version.changes).where(Version.number == 2))
    assert changes["diff_level"] == "paragraphs"
    entry.observed = f"{len(text['ops'])} runs by paragraph, notice shown; summary {changes['diff_level']}"


def test_serve_stops_on_sigterm_while_a_huge_diff_is_in_flight(case, huge_archive: ArchiveConfig) -> None:
    entry = case(
        GROUP,
        "SIGTERM to `serve` while it diffs two versions of 220k words",
        "the server stops (exit 0, or by the re-raised SIGTERM as uvicorn does); the request ends",
        before="SIGTERM could not stop the server",
    )
    pytest.importorskip("uvicorn")
    import httpx

    from tests.web.serving import free_port, serve_command

    port = free_port()
    process = subprocess.Popen(
        serve_command(huge_archive, "--port", str(port)), stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        answers: list[object] = []

        def ask() -> None:
            try:
                answers.append(httpx.get(base + "/articles/1/diff", timeout=120).status_code)
            except httpx.HTTPError as exc:
                answers.append(type(exc).__name__)

        asking = threading.Thread(target=ask)
        asking.start()
        time.sleep(0.5)  # the request is in the server
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            code = None
        asking.join(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # uvicorn re-raises the signal it caught once it has shut down: -15 is a clean stop too.
    assert code in (0, -signal.SIGTERM), process.stderr.read()[-2000:] if process.stderr else ""
    assert answers, "the request never ended"
    entry.observed = f"exit {code}; the request got {answers[0] if answers else 'nothing'}"


@pytest.mark.postgres
def test_a_postgres_backend_killed_mid_write_is_retried(case, pg_url: str, tmp_path, monkeypatch) -> None:
    """pg_terminate_backend on the writer's connection inside its transaction: the write is retried."""
    entry = case(
        GROUP,
        "the writer's PostgreSQL backend terminated mid-transaction (pg_terminate_backend)",
        "the transaction is retried on a fresh connection; the capture is recorded once",
    )
    config = ArchiveConfig(home=tmp_path / "home", db_url=pg_url)
    killer = create_engine(pg_url)
    killed: list[int] = []
    real = service_module.insert_new_article

    def killed_then_insert(session: Any, *args: Any) -> Any:
        if not killed:
            pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with killer.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            killed.append(pid)
        return real(session, *args)

    monkeypatch.setattr(service_module, "insert_new_article", killed_then_insert)
    with Archive(config) as archive:
        result = archive.service.record_capture(fetch(T0), content("Some text."))
        with archive.sessions() as session:
            rows = session.execute(select(Capture.outcome)).scalars().all()
    killer.dispose()
    assert killed and result.outcome == "new_article" and rows == ["new_article"]
    entry.observed = f"backend {killed[0]} terminated; retried: 1 capture, {result.outcome}"
