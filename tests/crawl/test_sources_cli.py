"""`sources list`, `sources check` and the commands that need a sources file, run as the README writes them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from newsarchive.crawler.cli import main
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.crawl_state.crawl_runs import finish_run, start_run
from newsarchive.storage.models import Article
from tests.crawl.test_sources import BAD_EVERYWHERE


def test_sources_check_prints_every_error_and_warns_on_an_empty_file(tmp_path: Path) -> None:
    bad, empty = tmp_path / "bad.toml", tmp_path / "empty.toml"
    bad.write_text(BAD_EVERYWHERE)
    empty.write_text("# nothing yet\n")
    runner = CliRunner()
    checked = runner.invoke(main, ["--home", str(tmp_path), "sources", "check", "--sources", str(bad)])
    assert checked.exit_code == 2
    lines = checked.stderr.splitlines()
    assert [line.split(":")[2] for line in lines] == ["1", "8", "9", "10", "13", "15", "17"]
    assert all(line.startswith(f"error: {bad}:") for line in lines)
    warned = runner.invoke(main, ["--home", str(tmp_path), "sources", "check", "--sources", str(empty)])
    assert warned.exit_code == 0 and warned.stdout == ""
    assert warned.stderr == f"warning: {empty}: no [[source]] tables: a crawl would have nothing to do\n"


def test_sources_list_without_a_file_lists_the_sources_of_past_crawls(tmp_path: Path) -> None:
    home = tmp_path / "home"
    runner = CliRunner()
    nothing = runner.invoke(main, ["--home", str(home), "sources", "list"])
    assert nothing.exit_code == 0 and nothing.stdout == ""
    assert nothing.stderr == (
        f"no sources file at {home / 'sources.toml'} and no crawl yet: pass --sources FILE or copy one there\n"
    )
    with Archive(ArchiveConfig.resolve(home)) as archive:
        first = start_run(archive.sessions, "crawl", ["bbc", "guardian"])
        finish_run(archive.sessions, first, "finished", {"sources": {"bbc": {"new_article": 4}}})
        second = start_run(archive.sessions, "crawl", ["guardian"])
        finish_run(archive.sessions, second, "interrupted", {})
    listed = runner.invoke(main, ["--home", str(home), "sources", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert sorted(rows) == ["bbc", "guardian"]
    assert (rows["bbc"]["last_status"], rows["bbc"]["last_new_articles"]) == ("finished", 4)
    assert rows["guardian"]["last_status"] == "interrupted" and rows["guardian"]["feeds"] is None
    assert "the sources of past crawls" in listed.stderr
    table = runner.invoke(main, ["--home", str(home), "sources", "list"])
    assert [line.split()[0] for line in table.stdout.splitlines()] == ["bbc", "guardian"]


def test_commands_needing_sources_say_where_the_file_should_be(tmp_path: Path) -> None:
    home = tmp_path / "home"
    expected = f"error: no sources file at {home / 'sources.toml'}: pass --sources FILE or copy one there\n"
    for command in (["crawl"], ["schedule"], ["sources", "check"], ["enqueue", "--redis", "redis://x"]):
        result = CliRunner().invoke(main, ["--home", str(home), *command])
        assert (result.exit_code, result.stderr) == (2, expected), command
    given = CliRunner().invoke(main, ["--home", str(home), "crawl", "--sources", str(tmp_path / "no.toml")])
    assert given.exit_code == 2 and "no.toml: no such file" in given.stderr


def test_revisit_with_nothing_due_says_when_the_next_check_is(tmp_path: Path) -> None:
    home = tmp_path / "home"
    runner = CliRunner()
    empty = runner.invoke(main, ["--home", str(home), "revisit"])
    assert empty.exit_code == 0, empty.output
    assert "nothing to revisit: no archived article is scheduled for a check" in empty.stderr
    soon = datetime.now(UTC) + timedelta(minutes=42, seconds=30)  # rounds to 42 for up to a minute
    with Archive(ArchiveConfig.resolve(home)) as archive, archive.sessions.begin() as session:
        for n, when in enumerate((soon + timedelta(hours=5), soon)):
            session.add(
                Article(
                    canonical_url=f"https://ex.org/{n}",
                    domain="ex.org",
                    source="ex",
                    first_seen_at=datetime.now(UTC),
                    next_check_at=when,
                )
            )
    later = runner.invoke(main, ["--home", str(home), "revisit"])
    assert later.exit_code == 0, later.output
    assert f"nothing due: the next article is due at {soon:%Y-%m-%d %H:%M} UTC (in 42 min)" in later.stderr
    other = runner.invoke(main, ["--home", str(home), "revisit", "--source", "other"])
    assert "no archived article of source other is scheduled" in other.stderr
