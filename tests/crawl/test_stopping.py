"""A stopped crawl is "interrupted", with no traceback, whenever SIGINT or SIGTERM comes.

Real `newsarchive` processes against tests/site: a slow page keeps each crawl
busy, and the signal lands at each moment of a crawl's life: while the
command imports Scrapy and the archive (lxml is loaded, no run row yet),
while Scrapy starts (the run row exists, nothing fetched yet), and mid-crawl
(the slow page is being fetched). The processes run side by side to keep the
test short; each has its own archive.

Not covered: a signal inside the interpreter's own start-up (its site
packages, before any newsarchive code runs), where Python itself reports.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from tests.crawl.conftest import FAST, ROOT, cli_argv, run_cli, sources_toml
from tests.site import NewsSite

pytestmark = pytest.mark.slow


@dataclass
class Stop:
    """One crawl process and the moment it is stopped."""

    moment: str
    signum: int
    config: ArchiveConfig
    slow_path: str
    process: subprocess.Popen[str] | None = None
    sent: bool = False

    def runs(self) -> list[tuple[str, str]]:
        """(kind, status) of every crawl run in this archive."""
        try:
            with sqlite3.connect(self.config.db_url.removeprefix("sqlite:///")) as db:
                return db.execute("select kind, status from crawl_runs").fetchall()
        except sqlite3.Error:  # not created yet
            return []


def _imports_lxml(stop: Stop) -> bool:
    """The crawl command is importing its heavy modules (the CLI itself never loads lxml)."""
    assert stop.process is not None
    try:
        return "lxml" in Path(f"/proc/{stop.process.pid}/maps").read_text()
    except OSError:
        return False


def _moments(site: NewsSite) -> dict[str, Callable[[Stop], bool]]:
    return {
        "importing": _imports_lxml,
        "starting": lambda stop: bool(stop.runs()),
        "crawling": lambda stop: site.request_count(stop.slow_path) > 0,
    }


def _start(stop: Stop, site: NewsSite, tmp_path: Path) -> None:
    path = tmp_path / f"{stop.moment}-{stop.signum}.toml"
    path.write_text(sources_toml(site, feeds=[site.url("/rss.xml")], pages=[site.url(stop.slow_path)]))
    # DOWNLOAD_TIMEOUT: a graceful stop waits for what is in flight; the slow page need not hold it long.
    argv = cli_argv(stop.config, "crawl", "--sources", str(path), "--json", *FAST, "-s", "DOWNLOAD_TIMEOUT=5")
    stop.process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_stopped_crawl_is_interrupted_at_every_moment(news_site: NewsSite, tmp_path: Path) -> None:
    moments = _moments(news_site)
    stops = []
    for n, (moment, signum) in enumerate(
        [
            ("importing", signal.SIGINT),
            ("importing", signal.SIGTERM),
            ("starting", signal.SIGINT),
            ("starting", signal.SIGTERM),
            ("crawling", signal.SIGINT),
            ("crawling", signal.SIGTERM),
        ]
    ):
        home = tmp_path / f"home{n}"
        config = ArchiveConfig(home=home, db_url=f"sqlite:///{tmp_path / f'archive{n}.db'}")
        Archive(config).close()  # the schema first, so "starting" means this crawl's own run row
        stops.append(Stop(moment, signum, config, f"/fault/slow?seconds=30&n={n}"))
    for stop in stops:
        _start(stop, news_site, tmp_path)
    deadline = time.monotonic() + 120
    while not all(s.sent for s in stops) and time.monotonic() < deadline:
        for stop in stops:
            assert stop.process is not None
            if not stop.sent and moments[stop.moment](stop):
                stop.process.send_signal(stop.signum)
                stop.sent = True
            elif not stop.sent and stop.process.poll() is not None:
                pytest.fail(f"{stop.moment}: the crawl ended before its stop: {stop.process.stderr}")
        time.sleep(0.01)
    for stop in stops:
        assert stop.process is not None
        out, err = stop.process.communicate(timeout=120)
        where = f"{stop.moment}, {signal.Signals(stop.signum).name}"
        assert "Traceback" not in err and "Error" not in err, f"{where}: {err[-3000:]}"
        runs = stop.runs()
        assert runs == [("crawl", "interrupted")], where
        assert stop.process.returncode == 130, f"{where}: {stop.process.returncode} {err[-2000:]}"
        assert '"status": "interrupted"' in out, where


def test_stopping_the_scheduler_as_a_crawl_starts_leaves_it_interrupted_not_failed(
    news_site: NewsSite, tmp_path: Path
) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    slow = "/fault/slow?seconds=30&scheduled=1"
    path = tmp_path / "sources.toml"
    path.write_text(
        sources_toml(
            news_site, feeds=[news_site.url("/rss.xml")], pages=[news_site.url(slow)], schedule="* * * * * *"
        )
    )
    Archive(config).close()
    argv = cli_argv(config, "schedule", "--sources", str(path), "--no-throttle", "--revisit-every", "1h")
    argv += ["-s", "NEWSARCHIVE_EXTRACT_WORKERS=0", "-s", "DOWNLOAD_TIMEOUT=5"]
    scheduler = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Stopped as its crawl starts (the run row exists, Scrapy is starting): the
        # moment that used to leave a "failed" run. Mid-crawl is covered above.
        stop = Stop("starting", signal.SIGTERM, config, slow)
        deadline = time.monotonic() + 120
        while not stop.runs() and time.monotonic() < deadline:
            assert scheduler.poll() is None, scheduler.communicate()[1][-3000:]
            time.sleep(0.05)
        scheduler.send_signal(signal.SIGTERM)
        _, err = scheduler.communicate(timeout=120)
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
            scheduler.wait()
    assert scheduler.returncode == 0 and "Traceback" not in err, err[-3000:]
    assert "crawl local: exited with status 130" in err
    assert stop.runs() == [("crawl", "interrupted")]
    listed = run_cli(config, "sources", "list", "--sources", str(path))
    assert " interrupted, " in listed.stdout and "failed" not in listed.stdout, listed.stdout
