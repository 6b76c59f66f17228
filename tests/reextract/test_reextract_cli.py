"""The `newsarchive reextract` command, and what history, show, changes and db info make of it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from newsarchive.crawler.warcin.importer import Importer, ImportOptions
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article, Version
from tests.helpers import cli_argv, newsarchive
from tests.reextract.changed_extractor import DROPPED
from tests.reextract.test_reextract import A, imported
from tests.warcin.warcs import T0, Rec, story, write_warc

REPO = Path(__file__).resolve().parents[2]


def changed(config: ArchiveConfig, *args: str) -> list[str]:
    """argv for `newsarchive ARGS` with the simulated extractor upgrade (tests/reextract/changed_extractor.py)."""
    argv = cli_argv(config, *args)
    return [sys.executable, "-m", "tests.reextract.changed_extractor", *argv[3:]]


def run_changed(
    config: ArchiveConfig, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        changed(config, *args),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_reextract_then_history_show_changes_and_db_info(
    archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    with Archive(archive_config) as archive:
        imported(archive, tmp_path)
    info = newsarchive(archive_config, "db", "info")
    assert "articles read by an older extractor: 0" in info.stdout, info.stdout

    dry = run_changed(archive_config, "reextract", "--workers", "0", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["changed"] == 3 and json.loads(dry.stdout)["dry_run"]

    done = run_changed(archive_config, "reextract", "--workers", "0")
    assert done.returncode == 0, done.stderr
    assert "changed: 3; unchanged: 0" in done.stdout

    history = newsarchive(archive_config, "history", A)
    assert history.returncode == 0, history.stderr
    lines = history.stdout
    assert "4 versions, 2 of them superseded by a re-extraction" in lines
    assert lines.count("superseded 20") == 2  # each superseded version says when
    assert lines.count("extractor change, not an edit") == 1
    as_json = json.loads(newsarchive(archive_config, "history", A, "--json").stdout)
    assert [(v["version"], v["cause"], v["superseded_at"] is not None) for v in as_json] == [
        (1, "edit", True),
        (2, "edit", True),
        (3, "extractor", False),
        (4, "edit", False),
    ]

    # The earlier extraction stays readable: by our extractor's number, or by version.
    from newsarchive.crawler.extract import EXTRACTOR_VERSION
    from newsarchive.crawler.reextract.selection import extractor_number

    old_number = str(extractor_number(EXTRACTOR_VERSION))
    old = newsarchive(archive_config, "show", A, "--extractor", old_number)
    assert old.returncode == 0, old.stderr
    assert DROPPED in old.stdout and "superseded" in old.stdout
    current = newsarchive(archive_config, "show", A)
    assert DROPPED not in current.stdout
    missing = newsarchive(archive_config, "show", A, "--extractor", "1")
    assert missing.returncode != 0 and "no version" in missing.stderr

    edits = json.loads(newsarchive(archive_config, "changes", "--json").stdout)
    assert [(e["url"], e["version"], e["cause"]) for e in edits] == [(A, 4, "edit")]
    everything = json.loads(newsarchive(archive_config, "changes", "--json", "--include-extractor").stdout)
    assert sorted(e["cause"] for e in everything) == ["edit", "extractor", "extractor", "extractor"]

    # In a process with the real extractor, the re-extracted articles read as another extractor's.
    info = newsarchive(archive_config, "db", "info")
    assert "articles read by an older extractor: 3" in info.stdout, info.stdout


def test_a_reextraction_killed_with_sigkill_resumes_and_extracts_nothing_twice(
    archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    count = 40
    urls = [f"https://news.example.com/2026/item-{i:02}.html" for i in range(count)]
    path = tmp_path / "items.warc.gz"
    write_warc(path, [Rec(url, T0 + timedelta(seconds=i), story(f"Item {i}")) for i, url in enumerate(urls)])
    with Archive(archive_config) as archive:
        Importer(archive, ImportOptions(workers=0)).run([path])
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    running = subprocess.Popen(
        changed(archive_config, "reextract", "--workers", "0"),
        cwd=REPO,
        env={**os.environ, "REEXTRACT_LOG": str(first_log), "REEXTRACT_PAUSE": "0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with Archive(archive_config) as archive:
            while rebuilt(archive) < 3:  # a few articles committed
                assert running.poll() is None, "the re-extraction ended before it could be killed"
                time.sleep(0.05)
            os.kill(running.pid, signal.SIGKILL)
            running.wait()
            before = rebuilt_urls(archive)
            assert 3 <= len(before) < count
    finally:
        if running.poll() is None:
            running.kill()
    done = run_changed(archive_config, "reextract", "--workers", "0", env={"REEXTRACT_LOG": str(second_log)})
    assert done.returncode == 0, done.stderr
    second = {line.split()[1] for line in second_log.read_text().splitlines()}
    # Nothing committed before the kill was extracted again; everything else was.
    assert not second & before
    assert second | before == set(urls)
    with Archive(archive_config) as archive, archive.sessions() as session:
        per_article = session.execute(
            select(Version.article_id, func.count(Version.id))
            .where(Version.cause == "extractor")
            .group_by(Version.article_id)
        )
        assert sorted(n for _id, n in per_article) == [1] * count


def rebuilt(archive: Archive) -> int:
    with archive.sessions() as session:
        return session.scalar(select(func.count(Version.id)).where(Version.cause == "extractor")) or 0


def rebuilt_urls(archive: Archive) -> set[str]:
    with archive.sessions() as session:
        rows = session.scalars(
            select(Article.canonical_url)
            .join(Version, Version.article_id == Article.id)
            .where(Version.cause == "extractor")
        )
        return set(rows)
