"""Run the real `newsarchive serve` in a subprocess on a free port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from newsarchive.storage.config import ArchiveConfig


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command(config: ArchiveConfig, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "newsarchive.crawler.cli",
        "--home",
        str(config.home),
        "--db",
        config.db_url,
        "serve",
        *args,
    ]


@contextlib.contextmanager
def serving(config: ArchiveConfig, *args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """The server's base URL, once it answers; stopped on exit."""
    port = free_port()
    process = subprocess.Popen(
        [*serve_command(config, "--port", str(port), *args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"newsarchive serve did not start: {process.communicate()[1][-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
