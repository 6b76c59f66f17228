"""Plain trafilatura (`bare_extraction` with metadata) in a process pool: the extraction ceiling.

The options are the ones bench/extraction.py uses for plain trafilatura
and that our extractor needs (metadata, dates with a reference date).
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

REFERENCE = datetime(2026, 11, 1)


def plain_document(html: bytes, url: str) -> Any:
    """Plain trafilatura as both benchmarks measure it: the one definition of the baseline."""
    from trafilatura import bare_extraction

    return bare_extraction(
        html,
        url=url,
        include_comments=False,
        favor_precision=True,
        with_metadata=True,
        date_extraction_params={
            "original_date": True,
            "extensive_search": True,
            "max_date": REFERENCE.date().isoformat(),
        },
    )


def plain(path: str) -> int:
    doc = plain_document(Path(path).read_bytes(), "http://127.0.0.1/" + Path(path).name)
    return len(doc.text or "") if doc is not None else 0


def ours(path: str) -> int:
    from newsarchive.crawler.extract import extract_article

    return len(extract_article(Path(path).read_bytes(), "http://127.0.0.1/x.html", fetched_at=REFERENCE).text)


def _warm(_: int) -> int:
    import trafilatura  # noqa: F401

    import newsarchive.crawler.extract  # noqa: F401

    return 0


def _children_cpu() -> float:
    import psutil

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def pool_rate(paths: list[Path], workers: int, fn_name: str = "plain") -> tuple[int, float, float]:
    """Pages, seconds and worker CPU seconds for extracting every path on `workers` processes.

    Start-up (spawn, imports) is excluded from both.
    """
    fn = plain if fn_name == "plain" else ours
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        list(pool.map(_warm, range(workers * 2)))
        list(pool.map(fn, [str(paths[0])] * workers))  # first-call caches, as a warm crawl has
        cpu_before = _children_cpu()
        began = time.perf_counter()
        done = list(pool.map(fn, [str(p) for p in paths], chunksize=4))
        return len(done), time.perf_counter() - began, _children_cpu() - cpu_before
