"""Edit kinds through the real write path, on SQLite and PostgreSQL: stored, reverts found, filtered."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select, update

from newsarchive.crawler.cli import main
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Version
from newsarchive.storage.research.changes import recent_changes
from newsarchive.storage.research.export.formats import export
from newsarchive.storage.research.search.query import SearchQuery
from tests.research.conftest import T0, capture

URL = "https://news.example.com/2026/03/02/storm.html"
OTHER = "https://news.example.com/2026/03/02/market.html"
P1 = "A storm brought heavy rain and strong winds to the coast on Monday night."
P2 = "Thousands of homes lost power and several roads were closed by fallen trees."
P3 = "Forecasters expect the weather to calm down by the middle of the week."
BODY = f"{P1}\n{P2}\n{P3}"
ADDED = f"{P1}\n{P2}\nOne fisherman is missing after his boat failed to return to the harbour.\n{P3}"


def run(config: ArchiveConfig, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--home", str(config.home), "--db", config.db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def stored(archive: Archive, url: str) -> list[tuple[int, str | None, int | None]]:
    with archive.sessions() as session:
        rows = session.execute(
            select(Version.number, Version.edit_kinds, Version.revert_of)
            .where(Version.article_id == capture_article(archive, url))
            .order_by(Version.number)
        )
        return [tuple(row) for row in rows]


def capture_article(archive: Archive, url: str) -> int:
    article_id = archive.service.article_id_for_url(url)
    assert article_id is not None
    return article_id


def edit_history(archive: Archive) -> None:
    """Version 1; a typo fixed and a sentence added (2); the headline changed (3); back to 2 the next day (4)."""
    at = T0
    capture(archive, URL, at, title="Storm hits the coast", text=BODY.replace("strong", "stong"))
    capture(archive, URL, at + timedelta(hours=1), title="Storm hits the coast", text=ADDED)
    capture(archive, URL, at + timedelta(hours=2), title="Fisherman missing after storm", text=ADDED)
    # Back to 2 half a day later: a revert, not a headline A/B test (those
    # switch back within hours: tests/research/test_headline_tests_archive.py).
    capture(archive, URL, at + timedelta(hours=15), title="Storm hits the coast", text=ADDED)
    capture(archive, OTHER, at, title="Markets fall", text=BODY)
    capture(
        archive,
        OTHER,
        at + timedelta(hours=1),
        title="Markets fall",
        text=BODY + "\nUpdate: shares recovered.",
    )


def test_write_path_stores_kinds_and_the_reverted_version(archive: Archive) -> None:
    edit_history(archive)
    assert stored(archive, URL) == [
        (1, None, None),
        (2, "typo,substantive", None),
        (3, "headline", None),
        (4, "headline,revert", 2),
    ]
    assert stored(archive, OTHER) == [(1, None, None), (2, "correction", None)]


def test_revert_needs_equal_text_not_only_an_equal_headline(archive: Archive) -> None:
    capture(archive, URL, T0, title="Storm", text=BODY)
    capture(archive, URL, T0 + timedelta(hours=1), title="Storm hits", text=BODY)
    capture(archive, URL, T0 + timedelta(hours=2), title="Storm", text=ADDED)
    # Equal to version 2 in headline and text, different only in its date: not a revert of 2.
    capture(archive, URL, T0 + timedelta(hours=3), title="Storm", text=ADDED, modified="2026-03-02")
    assert [(n, r) for n, _, r in stored(archive, URL)] == [(1, None), (2, None), (3, None), (4, None)]


def test_changes_filter_by_kind_in_sql_and_on_the_command_line(
    archive: Archive, archive_config: ArchiveConfig
) -> None:
    edit_history(archive)
    with archive.sessions() as session:
        substantive = [(e.url, e.version) for e in recent_changes(session, kinds=["substantive"])]
        either = [(e.url, e.version) for e in recent_changes(session, kinds=["revert", "correction"])]
        reverted = next(recent_changes(session, kinds=["revert"]))
    assert substantive == [(URL, 2)]
    assert sorted(either) == [(OTHER, 2), (URL, 4)]
    assert (reverted.kinds, reverted.revert_of) == (["headline", "revert"], 2)

    code, out, _ = run(archive_config, "changes", "--kind", "substantive", "--json")
    rows = json.loads(out)
    assert code == 0 and [(r["url"], r["version"], r["kinds"]) for r in rows] == [
        (URL, 2, ["typo", "substantive"])
    ]
    code, out, _ = run(archive_config, "changes", "--kind", "live-update", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(archive_config, "changes", "--kind", "revert")
    assert code == 0 and "kinds: headline, revert (to v2)" in out
    code, out, err = run(archive_config, "changes", "--kind", "typos")
    assert code == 2 and "unknown edit kind 'typos'" in err and "Traceback" not in err


def test_classify_edits_fills_versions_stored_before_the_kinds(
    archive: Archive, archive_config: ArchiveConfig
) -> None:
    edit_history(archive)
    with archive.sessions() as session, session.begin():  # as an archive from before migration 0011
        session.execute(update(Version).values(edit_kinds=None, revert_of=None))
    with archive.sessions() as session:
        assert list(recent_changes(session, kinds=["revert"])) == []
        assert {e.kinds for e in recent_changes(session)} == {None}

    code, out, _ = run(archive_config, "db", "classify-edits")
    assert code == 0 and "classified 4 edits" in out
    assert [k for _, k, _ in stored(archive, URL)] == [
        None,
        "typo,substantive",
        "headline",
        "headline,revert",
    ]
    assert stored(archive, URL)[3][2] == 2
    # A second run finds nothing left; --all does them again, with the same result.
    assert "classified 0 edits" in run(archive_config, "db", "classify-edits")[1]
    assert "classified 4 edits" in run(archive_config, "db", "classify-edits", "--all")[1]
    assert stored(archive, OTHER) == [(1, None, None), (2, "correction", None)]


def test_history_and_exports_carry_kinds(
    archive: Archive, archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    edit_history(archive)
    code, out, _ = run(archive_config, "history", URL)
    assert code == 0 and "kinds: typo, substantive" in out and "kinds: headline, revert (to v2)" in out
    with archive.sessions() as session:
        export(session, SearchQuery(all_versions=True), "jsonl", tmp_path / "all.jsonl", warc_dir=tmp_path)
        export(session, SearchQuery(all_versions=True), "csv", tmp_path / "all.csv", warc_dir=tmp_path)
    rows = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    storm = [(r["version"], r["kinds"], r["revert_of"]) for r in rows if r["url"] == URL]
    assert storm == [
        (1, None, None),
        (2, ["typo", "substantive"], None),
        (3, ["headline"], None),
        (4, ["headline", "revert"], 2),
    ]
    table = [r for r in csv.DictReader((tmp_path / "all.csv").open()) if r["url"] == URL]
    assert [(r["kinds"], r["revert_of"]) for r in table] == [
        ("", ""),
        ("typo; substantive", ""),
        ("headline", ""),
        ("headline; revert", "2"),
    ]
