"""Running a command and measuring its process tree: wall time, CPU time, peak RSS in all and per process.

The crawl's tree is the crawl process, its extraction workers (spawned
children) and multiprocessing's resource tracker. The sum of RSS says
whether the target is met; the per-process peaks say which process to
blame, and the optional trace (one line per sample) shows whether a process
grows with the pages fetched or has reached a plateau.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

SAMPLE_SECONDS = 0.2


@dataclass
class TreeRun:
    out: str
    wall: float
    peak_rss_mb: float
    cpu: float  # CPU seconds of every process of the tree (load-independent, unlike wall)
    # Peak RSS (MB) and CPU seconds per role: "crawl", "worker 1", "worker 2", ..., "tracker".
    per_process: dict[str, dict[str, float]] = field(default_factory=dict)


def _role(pid: int, root: int, cmdline: list[str], workers: dict[int, str]) -> str:
    if pid == root:
        return "crawl"
    if any("resource_tracker" in part for part in cmdline):
        return "tracker"
    if pid not in workers:
        # A recycled worker is a new process: numbered on, so its peak is its own.
        workers[pid] = f"worker {len(workers) + 1}"
    return workers[pid]


def run_tree(command: list[str], env: dict[str, str] | None = None, trace: Path | None = None) -> TreeRun:
    """Run a command to completion, sampling its process tree every SAMPLE_SECONDS."""
    import psutil

    began = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}
    )
    root = psutil.Process(proc.pid)
    peak = 0
    cpu: dict[int, float] = {}  # CPU seconds last seen per process of the tree
    rss_peak: dict[int, int] = {}
    roles: dict[int, str] = {}
    workers: dict[int, str] = {}
    trace_file: TextIO | None = trace.open("w") if trace is not None else None
    try:
        while proc.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                total = 0
                sample: dict[str, int] = {}
                for p in tree:
                    with contextlib.suppress(psutil.Error):
                        rss = p.memory_info().rss
                        times = p.cpu_times()
                        if p.pid not in roles:
                            cmdline = p.cmdline()
                            # A child just forked still shows its parent's command line:
                            # named once it has exec'd, counted meanwhile.
                            if p.pid == proc.pid or any("multiprocessing" in c for c in cmdline):
                                roles[p.pid] = _role(p.pid, proc.pid, cmdline, workers)
                        total += rss
                        cpu[p.pid] = times.user + times.system
                        rss_peak[p.pid] = max(rss_peak.get(p.pid, 0), rss)
                        role = roles.get(p.pid, "other")
                        sample[role] = sample.get(role, 0) + rss
                peak = max(peak, total)
                if trace_file is not None:
                    parts = " ".join(f"{k}={v / 2**20:.0f}" for k, v in sorted(sample.items()))
                    trace_file.write(f"{time.perf_counter() - began:.1f} total={total / 2**20:.0f} {parts}\n")
            except psutil.Error:
                pass
            time.sleep(SAMPLE_SECONDS)
    finally:
        if trace_file is not None:
            trace_file.close()
    out, err = proc.communicate()
    wall = time.perf_counter() - began
    per_process = {
        roles.get(pid, str(pid)): {"peak_rss_mb": rss_peak.get(pid, 0) / 2**20, "cpu": seconds}
        for pid, seconds in cpu.items()
    }
    if os.environ.get("BENCH_CPU"):
        parts = ", ".join(f"{role} {v['cpu']:.1f}s" for role, v in per_process.items())
        print(f"  cpu of {command[-1]!r}...: {parts}", file=sys.stderr)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{err[-3000:]}")
    return TreeRun(out, wall, peak / 2**20, sum(cpu.values()), per_process)
