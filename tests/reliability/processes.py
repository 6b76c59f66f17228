"""Starting `newsarchive` in the background and killing it hard, as a crash or the OOM killer would."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from newsarchive.storage.config import ArchiveConfig
from tests.helpers import cli_argv

KILL_ROUNDS_ENV = "NEWSARCHIVE_KILL_ROUNDS"
KILL_SEED_ENV = "NEWSARCHIVE_KILL_SEED"


def kill_rounds(default: int = 5) -> int:
    """Rounds of kill -9: few in CI, NEWSARCHIVE_KILL_ROUNDS=50 by hand."""
    return max(1, int(os.environ.get(KILL_ROUNDS_ENV) or default))


def start(config: ArchiveConfig, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The CLI in its own session, so a kill reaches its extraction workers too."""
    return subprocess.Popen(
        cli_argv(config, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )


def kill9(process: subprocess.Popen[str]) -> None:
    """SIGKILL the whole process group (only processes this test started)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)


def stop_when(process: subprocess.Popen[str], ready: Callable[[], bool], limit: float = 60) -> bool:
    """Wait until `ready()` (then return True) or the process ends by itself (False)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if ready():
            return True
        time.sleep(0.01)
    raise AssertionError(f"neither ready nor finished after {limit} s")


def children(pid: int) -> dict[int, str]:
    """Live (non-zombie) child processes of pid: {pid: command line}, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            if int(parent) == pid and state != "Z":
                found[int(stat.parent.name)] = (
                    (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
        except (OSError, ValueError):
            continue
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper (PID 1 in a container may never reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
