"""`newsarchive serve`: the real command, in a subprocess, over HTTP."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest

from newsarchive.storage.config import ArchiveConfig
from tests.web.conftest import TOKEN
from tests.web.serving import free_port, serve_command, serving, serving_logged


@pytest.fixture
def config(tmp_path: Path) -> ArchiveConfig:
    return ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")


def test_serves_api_and_pages_with_capture_off_by_default(config: ArchiveConfig) -> None:
    with serving(config) as base:
        assert base.startswith("http://127.0.0.1:")
        assert "/articles/{article_id}/diff" in httpx.get(base + "/openapi.json").json()["paths"]
        assert "Search the archive" in httpx.get(base + "/").text
        refused = httpx.post(base + "/captures", json={"url": "https://example.org/"})
        assert refused.status_code == 403 and "capture over HTTP is off" in refused.json()["detail"]


def test_the_token_comes_from_the_environment(config: ArchiveConfig) -> None:
    with serving(config, env={"NEWSARCHIVE_CAPTURE_TOKEN": TOKEN}) as base:
        missing = httpx.post(base + "/captures", json={"url": "http://127.0.0.1/"})
        assert missing.status_code == 401
        refused = httpx.post(
            base + "/captures",
            json={"url": "http://127.0.0.1/"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert refused.status_code == 403 and "loopback" in refused.json()["detail"]


def test_a_short_token_is_refused_at_start(config: ArchiveConfig) -> None:
    done = subprocess.run(
        serve_command(config, "--capture-token", "short"), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "at least 16 characters" in done.stderr


def test_it_says_where_it_listens_and_logs_each_request(config: ArchiveConfig) -> None:
    with serving_logged(config) as (base, log):
        assert httpx.get(base + "/articles?q=nothing").status_code == 200
        assert httpx.get(base + "/no/such/page").status_code == 404
        deadline = time.monotonic() + 10
        while "/no/such/page" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        text = log.read_text()
    assert f"running on {base}" in text
    assert '"GET /articles?q=nothing HTTP/1.1" 200' in text and '"GET /no/such/page HTTP/1.1" 404' in text


def test_listening_beyond_this_machine_warns_what_is_exposed(config: ArchiveConfig) -> None:
    process = subprocess.Popen(
        serve_command(config, "--host", "0.0.0.0", "--port", str(free_port())),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert first.startswith("warning: listening on 0.0.0.0, not only this machine: anyone who can reach it")
