"""Run the real `newsarchive serve` in a subprocess on a free port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from newsarchive.storage.config import ArchiveConfig
from tests.helpers import cli_argv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command(config: ArchiveConfig, *args: str) -> list[str]:
    return cli_argv(config, "serve", *args)


@contextlib.contextmanager
def serving(config: ArchiveConfig, *args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """The server's base URL, once it answers; stopped on exit."""
    with serving_logged(config, *args, env=env) as (base, _log):
        yield base


@contextlib.contextmanager
def serving_logged(
    config: ArchiveConfig, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, Path]]:
    """The base URL and the file the server's stderr goes to (its access log: a pipe
    nobody reads would fill up and stall the server)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="na-serve-") as tmp:
        log = Path(tmp) / "stderr.log"
        with log.open("w") as stderr:
            process = subprocess.Popen(
                [*serve_command(config, "--port", str(port), *args)],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
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
                    process.wait()
                    pytest.fail(f"newsarchive serve did not start: {log.read_text()[-2000:]}")
                time.sleep(0.1)
            yield base, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
