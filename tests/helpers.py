"""Running the real `newsarchive` command in a subprocess, as a user would.

Crawls need their own process anyway (a Twisted reactor cannot be
restarted), so end-to-end tests drive the CLI exactly as it is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from newsarchive.storage.config import ArchiveConfig

# Politeness delays off for the local test site; everything else as shipped.
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")
# The local test site is on 127.0.0.1, which every fetch refuses unless named:
# the CLI's global option that lets the tests reach it (and nothing else private).
LOCAL_SITE = ("--allow-private-hosts", "127.0.0.1")


def cli_argv(config: ArchiveConfig, *args: str) -> list[str]:
    """The `newsarchive` command on this archive, allowed to reach the local test site."""
    return [
        sys.executable,
        "-m",
        "newsarchive.crawler.cli",
        "--home",
        str(config.home),
        "--db",
        config.db_url,
        *LOCAL_SITE,
        *args,
    ]


def newsarchive(
    config: ArchiveConfig, *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = cli_argv(config, *args)
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def capture(
    config: ArchiveConfig, *urls: str, extra: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return newsarchive(config, "capture", *FAST, *extra, *urls)


def capture_json(config: ArchiveConfig, *urls: str, extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    done = newsarchive(config, "capture", "--json", *FAST, *extra, *urls)
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def json_output(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
