"""Headline A/B tests through the real write path, on SQLite and PostgreSQL: stored, flagged, shown, filtered."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from newsarchive.crawler.cli import main
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import HeadlineTest, Version
from newsarchive.storage.research.changes import recent_changes
from tests.research.conftest import T0, capture

URL = "https://news.example.com/2026/03/02/storm.html"
EDITED = "https://news.example.com/2026/03/02/market.html"
BODY = (
    "A storm brought heavy rain and strong winds to the coast on Monday night.\n"
    "Thousands of homes lost power and several roads were closed by fallen trees."
)
A, B, C = "Storm hits the coast", "Coast battered overnight", "Thousands without power after storm"


def ab_history(archive: Archive) -> None:
    """URL: A, B, A, C, B within two hours (a test); EDITED: headlines only moving forward."""
    for minutes, title in ((0, A), (20, B), (40, A), (60, C), (80, B)):
        capture(archive, URL, T0 + timedelta(minutes=minutes), title=title, text=BODY)
    for minutes, title in ((0, "Markets fall"), (30, "Markets fall sharply"), (60, "Markets recover")):
        capture(archive, EDITED, T0 + timedelta(minutes=minutes), title=title, text=BODY)


def run(config: ArchiveConfig, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--home", str(config.home), "--db", config.db_url, *args])
    return result.exit_code, result.stdout


def test_alternating_headlines_are_stored_as_one_test_with_every_headline_and_time(archive: Archive) -> None:
    ab_history(archive)
    with archive.sessions() as session:
        [test] = session.scalars(select(HeadlineTest))
        assert (test.headlines, test.flips, test.first_version, test.last_version) == (3, 2, 1, 5)
        assert [(s["title"], s["version"]) for s in test.shown] == [(A, 1), (B, 2), (A, 3), (C, 4), (B, 5)]
        assert test.shown[2]["seen_at"] == (T0 + timedelta(minutes=40)).isoformat()
        assert (test.started_at, test.last_seen_at) == (T0, T0 + timedelta(minutes=80))
        kinds = dict(
            session.execute(
                select(Version.number, Version.edit_kinds)
                .where(Version.article_id == test.article_id)
                .order_by(Version.number)
            ).all()
        )
    # Every edit in the test is flagged, the first one too once the page came back; v1 is no edit.
    assert kinds == {
        1: None,
        2: "headline,headline-test",
        3: "headline,revert,headline-test",
        4: "headline,headline-test",
        5: "headline,revert,headline-test",
    }


def test_forward_only_headline_edits_are_not_flagged(archive: Archive) -> None:
    ab_history(archive)
    with archive.sessions() as session:
        flagged = {c.url for c in recent_changes(session, kinds=["headline-test"], limit=None)}
        edited = [c.kinds for c in recent_changes(session, kinds=["headline"], limit=None) if c.url == EDITED]
    assert flagged == {URL}
    assert edited == [["headline"], ["headline"]]


def test_a_slow_return_to_an_old_headline_is_no_test(archive: Archive) -> None:
    for hours, title in ((0, A), (1, B), (30, A)):
        capture(archive, URL, T0 + timedelta(hours=hours), title=title, text=BODY)
    with archive.sessions() as session:
        assert session.scalars(select(HeadlineTest)).all() == []


def test_cli_filters_shows_and_lists_the_test(archive: Archive, archive_config: ArchiveConfig) -> None:
    ab_history(archive)
    code, out = run(archive_config, "changes", "--kind", "headline-test", "--json")
    assert code == 0
    assert sorted(row["version"] for row in json.loads(out)) == [2, 3, 4, 5]
    code, out = run(archive_config, "changes", "--ab-tests", "--json")
    assert code == 0 and {row["url"] for row in json.loads(out)} == {URL}
    code, out = run(archive_config, "show", URL, "--json")
    [test] = json.loads(out)["headline_tests"]
    assert (test["headlines"], test["flips"], test["versions"]) == (3, 2, [1, 5])
    assert [s["title"] for s in test["shown"]] == [A, B, A, C, B]
    code, out = run(archive_config, "history", URL)
    assert code == 0 and "headline test v1..v5: 3 headlines alternating, 2 switch(es) back" in out
    assert f"2026-03-02 09:40  v3   {A}" in out
    code, out = run(archive_config, "show", EDITED, "--json")
    assert json.loads(out)["headline_tests"] == []


def test_reclassifying_stored_edits_finds_the_test_again(
    archive: Archive, archive_config: ArchiveConfig
) -> None:
    ab_history(archive)
    with archive.sessions() as session, session.begin():
        session.query(HeadlineTest).delete()
        for version in session.scalars(select(Version)):
            version.edit_kinds = None if version.number > 1 else version.edit_kinds
    code, _ = run(archive_config, "db", "classify-edits")
    assert code == 0
    with archive.sessions() as session:
        [test] = session.scalars(select(HeadlineTest))
        assert [s["version"] for s in test.shown] == [1, 2, 3, 4, 5]
    code, _ = run(archive_config, "db", "classify-edits", "--all")
    assert code == 0
    with archive.sessions() as session:
        assert len(session.scalars(select(HeadlineTest)).all()) == 1  # extended, not duplicated
