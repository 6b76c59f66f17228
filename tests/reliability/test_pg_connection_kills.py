"""PostgreSQL connections killed mid-crawl: no fetched page may leave without a row, or without being counted.

An attack found a crawl of 1,500 pages whose connections were killed
(`pg_terminate_backend`) ending "failed 0", exit 0, with one fetched page
that had no capture row at all. Here a crawl of the local test site runs into
its own PostgreSQL database while a separate connection terminates every
other backend of that database, again and again, as the crawl goes. Only this
test's database is touched: other tests' (and other users') connections are
left alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.db import make_engine
from newsarchive.storage.models import Capture, FrontierEntry
from tests.helpers import FAST, cli_argv
from tests.reliability.support import check_archive
from tests.site.server import NewsSite

GROUP = "Faults while crawling (newsarchive crawl)"
PAGES = 1500
# Kill the crawl's connections each time this many more captures have landed.
KILL_EVERY = 100
MONITOR = "newsarchive-test-killer"


@pytest.fixture
def own_database(postgres_server: str) -> Iterator[str]:
    """A PostgreSQL database of this test alone (so killing its backends hits no one else), dropped after."""
    name = f"na_kill_{uuid.uuid4().hex[:12]}"
    admin = make_engine(postgres_server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _monitor(db_url: str) -> Engine:
    url = make_url(db_url).update_query_dict({"application_name": MONITOR})
    return make_engine(url.render_as_string(hide_password=False)).execution_options(
        isolation_level="AUTOCOMMIT"
    )


def _kill_crawl_connections(monitor: Engine, database: str) -> int:
    """Terminate every backend on the crawl's database but the monitor's own; how many."""
    with monitor.connect() as connection:
        return len(
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid() AND application_name <> :me"
                ),
                {"db": database, "me": MONITOR},
            ).all()
        )


def _captures(monitor: Engine) -> int:
    with monitor.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM captures")).scalar_one()


@pytest.mark.postgres
def test_killing_postgres_connections_mid_crawl_loses_no_fetch(
    case, own_database: str, tmp_path: Path
) -> None:
    entry = case(
        GROUP,
        f"PostgreSQL connections killed (pg_terminate_backend) every {KILL_EVERY} captures "
        f"of a {PAGES}-page crawl",
        "every fetched page has a capture row (archived or failed), or the run counts the unrecorded "
        "ones and exits non-zero; nothing archived lost; the rest stays queued",
        before='1 of 1,500 fetched pages without a capture row; the run said "failed 0", exit 0',
    )
    config = ArchiveConfig(home=tmp_path / "home", db_url=own_database)
    database = make_url(own_database).database
    assert database is not None
    with Archive(config):  # the schema, before the crawl and the monitor look at it
        pass
    monitor = _monitor(own_database)
    kills: list[int] = []
    with NewsSite(fixtures=False) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "wire"\nfeeds = ["{site.url(f"/fault/huge-feed.xml?n={PAGES}")}"]\n'
            f"max_urls = {PAGES}\n"
        )
        crawl = subprocess.Popen(
            cli_argv(config, "crawl", "--sources", str(sources), "--no-throttle", "--json", *FAST),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        try:
            next_kill = KILL_EVERY
            while crawl.poll() is None:
                if _captures(monitor) >= next_kill:
                    kills.append(_kill_crawl_connections(monitor, database))
                    next_kill += KILL_EVERY
                time.sleep(0.02)  # polling the row count, not waiting for anything to happen
            out, err = crawl.communicate(timeout=60)
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.communicate()
        fetched = {r.path for r in site.requests if r.path.startswith("/gen/")}
    monitor.dispose()
    assert sum(kills) > 0, f"no crawl connection was ever killed ({kills}); stderr: {err[-2000:]}"
    assert "Traceback" not in err, err[-3000:]
    summary = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    with Archive(config) as archive, archive.sessions() as session:
        recorded = {urlsplit(url).path for url in session.scalars(select(Capture.requested_url))}
        queued = {urlsplit(url).path for url in session.scalars(select(FrontierEntry.url))}
    unrecorded = fetched - recorded
    totals = summary.get("totals", {})
    unrecorded_said = totals.get("unrecorded", 0)
    if unrecorded:
        # Allowed only when the run says so and fails: a count the user can act on.
        assert crawl.returncode != 0 and unrecorded_said >= len(unrecorded), (
            f"{len(unrecorded)} fetched pages without a capture row ({sorted(unrecorded)[:5]}); "
            f"run: exit {crawl.returncode}, totals {totals}; stderr {err[-2000:]}"
        )
        assert unrecorded <= queued, "an unrecorded page must stay queued for the next crawl"
    every_page = {f"/gen/{i}.html" for i in range(PAGES)}
    missing = every_page - recorded - queued
    assert not missing, f"{len(missing)} pages neither recorded nor queued: {sorted(missing)[:5]}"
    if crawl.returncode == 0:  # a run that says it finished left nothing behind
        assert recorded >= every_page and summary.get("status") == "finished", (
            f"exit 0 with {len(every_page - recorded)} pages not recorded; totals {totals}"
        )
    assert totals.get("fetched", 0) + unrecorded_said >= len(recorded), totals
    integrity = check_archive(config)
    assert integrity.problems == [], integrity.problems
    entry.observed = (
        f"{sum(kills)} backends killed in {len(kills)} rounds; exit {crawl.returncode}; "
        f"{len(fetched)} fetched, {len(recorded)} with a capture row, {len(unrecorded)} without "
        f"(counted {unrecorded_said}); failed {totals.get('failed', 0)}; archive whole"
    )


def test_fetches_the_database_will_not_take_are_counted_and_fail_the_run(case, tmp_path: Path) -> None:
    """When even the failed capture cannot be written, the run says how many and exits non-zero.

    A trigger refuses every capture row of some pages (the way a database that
    keeps dropping the connection past every retry refuses them): before, those
    pages vanished from the summary and the crawl ended "finished", exit 0.
    """
    entry = case(
        GROUP,
        "the database refuses every row of some fetched pages, failed captures included",
        "counted as 'fetched but not recorded', the run fails (exit 1), the pages stay queued",
        before="dropped from the summary; the run ended finished, exit 0",
    )
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    with Archive(config) as archive, archive.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse_some BEFORE INSERT ON captures "
            "WHEN NEW.requested_url LIKE '%/gen/1%' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test''s trigger'); END"
        )
    pages = 30
    with NewsSite(fixtures=False) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "wire"\nfeeds = ["{site.url(f"/fault/huge-feed.xml?n={pages}")}"]\n'
        )
        done = subprocess.run(
            cli_argv(config, "crawl", "--sources", str(sources), "--no-throttle", "--json", *FAST),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    refused = {f"/gen/{i}.html" for i in range(pages) if str(i).startswith("1")}
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 1, (done.stdout, done.stderr[-2000:])
    assert summary["status"] == "failed" and summary["totals"]["unrecorded"] == len(refused), summary
    assert summary["totals"]["new_article"] == pages - len(refused), summary
    assert "could not be recorded" in (summary["error"] or ""), summary
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    with Archive(config) as archive, archive.sessions() as session:
        queued = {urlsplit(url).path for url in session.scalars(select(FrontierEntry.url))}
    assert queued == refused
    assert check_archive(config).problems == []
    entry.observed = (
        f"exit 1, status failed, unrecorded {summary['totals']['unrecorded']}, "
        f"{len(queued)} pages still queued"
    )
