"""Several captures at once, with researchers reading, on one archive (SQLite and PostgreSQL).

The writers capture the same pages in different orders, so they race to
create the same articles and versions; readers run show, history, search and
export meanwhile. No user may see "database is locked" or a traceback, no
write may be lost, and the counts must add up afterwards.
"""

from __future__ import annotations

import os
import random
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture, Version
from tests.helpers import FAST, newsarchive
from tests.reliability.processes import start
from tests.reliability.support import check_archive
from tests.site.server import NewsSite

GROUP = "Concurrent use"
WRITERS = int(os.environ.get("NEWSARCHIVE_CONCURRENT_WRITERS") or 3)
PAGES = 30


def _user_visible_failure(done: subprocess.CompletedProcess[str] | tuple[int, str, str]) -> str | None:
    code, out, err = (done.returncode, done.stdout, done.stderr) if not isinstance(done, tuple) else done
    text = out + err
    if "locked" in text.lower() or "Traceback" in text or "deadlock" in text.lower():
        return text[-500:]
    return None


def _readers(config: ArchiveConfig, urls: list[str], stop: threading.Event, tmp: Path) -> list[str]:
    """Run reader commands in a loop until `stop`; return what a user should never have seen."""
    problems: list[str] = []
    rng = random.Random(7)
    commands: list[Callable[[], list[str]]] = [
        lambda: ["show", "--json", rng.choice(urls)],
        lambda: ["history", "--json", rng.choice(urls)],
        lambda: ["search", "--json", "minister"],
        lambda: ["export", "--format", "jsonl", "--out", str(tmp / f"export-{rng.randrange(10**6)}.jsonl")],
    ]
    runs = 0
    while not stop.is_set() or runs < len(commands):
        args = commands[runs % len(commands)]()
        done = newsarchive(config, *args)
        runs += 1
        # show/history exit 1 with "no archived article" until a writer got there: that is fine.
        if done.returncode not in (0, 1) or (
            done.returncode == 1 and "no archived article" not in done.stderr
        ):
            problems.append(f"{args[0]} exited {done.returncode}: {done.stderr[-300:]}")
        if (bad := _user_visible_failure(done)) is not None:
            problems.append(f"{args[0]}: {bad}")
    problems.append(f"__runs__ {runs}")
    return problems


@pytest.mark.slow
def test_concurrent_captures_and_readers(
    news_site: NewsSite, archive_config: ArchiveConfig, tmp_path: Path, case
) -> None:
    backend = archive_config.db_url.split(":")[0]
    entry = case(
        GROUP,
        f"{WRITERS} captures of the same {PAGES} pages at once + show/history/search/export ({backend})",
        "no 'database is locked' or traceback; every capture kept; 1 article and 1 version per page",
    )
    urls = [news_site.url(f"/gen/{n}.html") for n in range(100, 100 + PAGES)]
    Archive(archive_config).close()  # schema first, as a user's first command would
    stop = threading.Event()
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.extend(_readers(archive_config, urls, stop, tmp_path)))
    reader.start()
    writers = [
        start(archive_config, "capture", *FAST, *random.Random(i).sample(urls, len(urls)))
        for i in range(WRITERS)
    ]
    outputs = [w.communicate(timeout=300) for w in writers]
    stop.set()
    reader.join(timeout=300)
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err[-1000:]
        assert _user_visible_failure((writer.returncode, out, err)) is None
    runs = int(found.pop().split()[1])
    assert found == []
    with Archive(archive_config) as archive, archive.sessions() as session:
        captures = session.scalar(select(func.count()).select_from(Capture))
        seen = session.scalar(select(func.sum(Version.capture_count)))
    integrity = check_archive(archive_config)
    assert integrity.problems == []
    entry.lost = WRITERS * PAGES - (captures or 0)
    assert captures == WRITERS * PAGES, "a capture was lost"
    assert integrity.articles == PAGES and integrity.versions == PAGES
    assert seen == WRITERS * PAGES, "version.capture_count does not add up to the captures"
    entry.observed = (
        f"{WRITERS * PAGES} captures, {PAGES} articles, {PAGES} versions; {runs} reader commands, "
        "none saw a lock error"
    )
