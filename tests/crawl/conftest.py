"""Helpers for crawl tests: the `newsarchive` command in a subprocess, and sources files.

Crawls run Scrapy, and a Twisted reactor cannot be restarted: every crawl is
its own process, exactly as the scheduler runs it.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsarchive.storage.config import ArchiveConfig
from tests.helpers import cli_argv  # noqa: F401 (re-exported: the crawl tests import it from here)
from tests.site import SiteAPI

ROOT = Path(__file__).resolve().parents[2]
# No politeness delays (a local site), and extraction in the crawl process (no pool to start).
FAST = [
    "--no-throttle",
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "NEWSARCHIVE_EXTRACT_WORKERS=0",
]


def run_cli(config: ArchiveConfig, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_argv(config, *args), cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def summary(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The --json summary line of a crawl or revisit."""
    assert result.stdout.strip(), f"no summary; stderr: {result.stderr[-2000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def sources_toml(site: SiteAPI, name: str = "local", **fields: Any) -> str:
    values: dict[str, Any] = {"feeds": [site.url("/rss.xml")], **fields}
    lines = ["[[source]]", f"name = {json.dumps(name)}"]
    for key, value in values.items():
        lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def write_sources(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "sources.toml"
        path.write_text(text)
        return path

    return write


@pytest.fixture
def sqlite_config(tmp_path: Path) -> ArchiveConfig:
    """For tests whose subject is not the database: SQLite only, to keep the suite fast."""
    return ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
