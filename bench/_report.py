"""One measured step of the crawl benchmark, and the printed and JSON report of a run."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Measured:
    name: str
    pages: int
    seconds: float
    wall: float | None = None
    peak_rss_mb: float | None = None
    detail: str = ""
    cpu: float | None = None  # CPU seconds of the process tree (load-independent, unlike seconds)
    # Peak RSS (MB) and CPU seconds of each process of the tree ("crawl", "worker 1", ...).
    per_process: dict[str, dict[str, float]] = field(default_factory=dict)
    server_cpu: float | None = None  # CPU seconds of the PostgreSQL server during the step

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def report(
    results: list[Measured],
    args: argparse.Namespace,
    server: str,
    load_before: tuple[float, float, float],
    after_crawl: dict[str, int],
    counts: dict[str, int],
) -> None:
    ceiling = next((m.rate for m in results if m.name.startswith("extract (trafilatura")), None)
    crawl = next((m for m in results if m.name.startswith("crawl (")), None)
    print(f"pages {args.pages}, server {server}, cores {os.cpu_count()}")
    print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}")
    base = next((m for m in results if m.name.startswith("extract (trafilatura")), None)
    base_cpu = base.cpu / base.pages if base is not None and base.cpu and base.pages else None
    print(
        f"{'step':<34}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'vs ceiling':>11}{'wall s':>8}{'peak RSS':>10}"
        f"{'CPU ms/page':>12}{'vs ceiling (CPU)':>17}"
    )
    for m in results:
        ratio = f"{m.rate / ceiling:.0%}" if ceiling else ""
        wall = f"{m.wall:.1f}" if m.wall is not None else ""
        rss = f"{m.peak_rss_mb:.0f} MB" if m.peak_rss_mb is not None else ""
        per_page = m.cpu / m.pages if m.cpu and m.pages else None
        cpu_text = f"{per_page * 1000:.1f}" if per_page else ""
        cpu_ratio = f"{base_cpu / per_page:.0%}" if per_page and base_cpu else ""
        print(
            f"{m.name:<34}{m.pages:>7}{m.seconds:>9.1f}{m.rate:>9.1f}{ratio:>11}{wall:>8}{rss:>10}"
            f"{cpu_text:>12}{cpu_ratio:>17}"
        )
    print(
        "  vs ceiling (CPU): the ceiling's CPU per page over this step's (crawl process + workers,"
        " start-up included): the throughput ratio on an idle machine whose cores are all busy"
    )
    for m in results:
        if m.detail:
            print(f"  {m.name}: {m.detail}")
        if m.per_process:
            parts = ", ".join(
                f"{role} {v['peak_rss_mb']:.0f} MB / {v['cpu'] * 1000 / max(m.pages, 1):.1f} ms per page"
                for role, v in sorted(m.per_process.items())
            )
            print(f"  {m.name}, per process (peak RSS / CPU): {parts}")
        if m.server_cpu is not None and m.pages:
            server = m.server_cpu / m.pages
            with_server = (
                f"; CPU ratio counting it {base_cpu / (m.cpu / m.pages + server):.0%}"
                if base_cpu and m.cpu
                else ""
            )
            print(f"  {m.name}, database server: {server * 1000:.1f} ms CPU per page{with_server}")
    if crawl is not None:
        for m in results:
            if m.name.startswith(("recrawl", "revisit")) and m.seconds:
                print(f"  {m.name}: {crawl.seconds / m.seconds:.1f}x faster than the first crawl")
    print(f"  archive after the crawl: {after_crawl}; at the end: {counts}")
    if args.json_out:
        Path(args.json_out).write_text(
            json.dumps(
                {
                    "pages": args.pages,
                    "server": server,
                    "load_before": load_before,
                    "results": [{**m.__dict__, "rate": m.rate} for m in results],
                    "archive": counts,
                },
                indent=2,
            )
        )
