"""The news site in a subprocess (python -m tests.site), driven over its control endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.site.api import SiteAPI

REPO_ROOT = Path(__file__).resolve().parents[2]
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via an http_proxy


class RemoteNewsSite(SiteAPI):
    """The SiteAPI of a site served elsewhere (another process), by its base URL."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def _call(self, op: str, **params: Any) -> Any:
        data = json.dumps({k: v for k, v in params.items() if v is not None}).encode("utf-8")
        req = urllib.request.Request(
            f"{self.base_url}/_control/{op}", data=data, headers={"Content-Type": "application/json"}
        )
        try:
            with _OPENER.open(req, timeout=30) as resp:
                return json.load(resp)["result"]
        except urllib.error.HTTPError as err:
            message = json.load(err).get("error", str(err))
            raise (KeyError if message.startswith("KeyError") else ValueError)(message) from None


class SiteProcess(RemoteNewsSite):
    """Start `python -m tests.site --port 0 --print-url` and read its URL; close() stops it."""

    def __init__(self, *args: str, timeout: float = 30) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.site", "--port", "0", "--print-url", *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("http://"):
            self.close()
            raise RuntimeError(f"test site did not start (got {line!r})")
        super().__init__(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()

    def __enter__(self) -> SiteProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
