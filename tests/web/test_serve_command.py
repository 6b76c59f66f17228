"""`newsarchive serve`: the real command, in a subprocess, over HTTP."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from newsarchive.storage.config import ArchiveConfig
from tests.web.conftest import TOKEN
from tests.web.serving import serve_command, serving


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
