"""`diff` and `changes`: word-level diffs and recent edits, from the command line."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from click.testing import CliRunner

from newsarchive.crawler.cli import main
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.research.changes import recent_changes
from newsarchive.storage.research.diffs import version_diff
from newsarchive.storage.research.read import find_article, get_version
from tests.research.conftest import BUDGET, FLOOD, T0, capture


def run(config: ArchiveConfig, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--home", str(config.home), "--db", config.db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_version_diff_marks_words_and_rebuilds_both_sides(filled: Archive) -> None:
    with filled.sessions() as session:
        article = find_article(session, BUDGET)
        old, new = get_version(session, article, 1), get_version(session, article, 2)
        diff = version_diff(old, new)
    title = diff["title"]
    assert {"op": "delete", "text": "approves"} in title and {"op": "insert", "text": "rejects"} in title
    assert "".join(o["text"] for o in diff["text"] if o["op"] != "insert") == old.text
    assert "".join(o["text"] for o in diff["text"] if o["op"] != "delete") == new.text
    assert diff["captions"] == [{"op": "delete", "text": "The council chamber in session (Photo: Lee Kim)"}]
    assert diff["summary"]["headline_changed"] and diff["summary"]["captions_changed"]
    assert (diff["from"]["version"], diff["to"]["version"], diff["changed"]) == (1, 2, True)


def test_diff_command_plain_markers_when_not_a_terminal(
    filled: Archive, archive_config: ArchiveConfig
) -> None:
    code, out, _ = run(archive_config, "diff", BUDGET)
    assert code == 0
    assert "[-approves-]{+rejects+}" in out and "[-approved-]{+rejected+}" in out
    assert "\x1b[" not in out


def test_diff_command_colour_and_json(filled: Archive, archive_config: ArchiveConfig) -> None:
    code, out, _ = run(archive_config, "diff", BUDGET, "--color")
    assert code == 0 and "\x1b[9m" in out  # strikethrough
    code, out, _ = run(archive_config, "diff", BUDGET, "--from", "1", "--to", "2", "--json")
    data = json.loads(out)
    assert code == 0 and data["url"] == BUDGET and data["to"]["version"] == 2


def test_diff_command_errors_are_one_line(filled: Archive, archive_config: ArchiveConfig) -> None:
    for args, message in [
        ((FLOOD,), "nothing to compare"),
        ((BUDGET, "--to", "7"), "has no version 7"),
        (("https://nowhere.example/",), "no archived article"),
    ]:
        code, out, err = run(archive_config, "diff", *args)
        assert code == 1 and out == "" and message in err and "Traceback" not in err


def test_long_unchanged_text_is_shortened_unless_full(
    archive: Archive, archive_config: ArchiveConfig
) -> None:
    body = " ".join(f"word{i}" for i in range(400))
    url = "https://news.example.com/long.html"
    capture(archive, url, title="Long", text=body + " the end")
    capture(archive, url, T0 + timedelta(hours=1), title="Long", text=body + " the finale")
    _, short, _ = run(archive_config, "diff", url)
    _, full, _ = run(archive_config, "diff", url, "--full")
    assert "unchanged words]" in short and "word5 " not in short and "[-end-]{+finale+}" in short
    assert "word5 " in full


def test_changes_lists_edits_newest_first_with_filters(
    filled: Archive, archive_config: ArchiveConfig
) -> None:
    capture(
        filled, FLOOD, T0 + timedelta(days=4), title="River floods the old town", text="Water fell again."
    )
    with filled.sessions() as session:
        edits = list(recent_changes(session))
        headlines = list(recent_changes(session, headline_only=True))
        later = list(recent_changes(session, since=T0 + timedelta(days=1)))
    assert [(e.url, e.version) for e in edits] == [(FLOOD, 2), (BUDGET, 2)]
    assert [e.url for e in headlines] == [BUDGET] and [e.url for e in later] == [FLOOD]
    budget = edits[1]
    assert budget.old_title == "Council approves budget" and budget.edited_after == T0
    assert budget.seen_at == T0 + timedelta(hours=3)

    code, out, _ = run(archive_config, "changes", "--headline-only", "--json")
    assert code == 0 and [row["url"] for row in json.loads(out)] == [BUDGET]
    code, out, _ = run(archive_config, "changes", "--csv", "--source", "example", "--until", "2026-03-03")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [(r["url"], r["headline_changed"]) for r in rows] == [(BUDGET, "True")]
    code, out, err = run(archive_config, "changes", "--domain", "news.example.com")
    assert code == 0 and "2 edits" in err and "'Council approves budget' -> 'Council rejects budget'" in out


def test_diff_keeps_white_space_next_to_changes_and_cuts_context_on_words(
    archive: Archive, archive_config: ArchiveConfig
) -> None:
    """The white space beside a change is shown, paragraph breaks survive, context ends on a word."""
    lead = " ".join(f"lead{i}" for i in range(60))
    tail = " ".join(f"tail{i}" for i in range(60))
    old = f"{lead} the conservative justices ruled.\nNext paragraph {tail}"
    new = f"{lead} the conservative ruled. A sentence added.\nNext paragraph {tail}"
    url = "https://news.example.com/court.html"
    capture(archive, url, title="Court", text=old)
    capture(archive, url, T0 + timedelta(hours=1), title="Court", text=new)
    code, out, _ = run(archive_config, "diff", url)
    assert code == 0
    text = out.split("== text\n", 1)[1]
    assert text == (
        "… [39 unchanged words] … lead39 lead40 lead41 lead42 lead43 lead44 lead45 lead46 lead47"
        " lead48 lead49 lead50 lead51 lead52 lead53 lead54 lead55 lead56 lead57 lead58 lead59 the"
        " conservative [-justices -]ruled.{+ A sentence added.+}\n"
        "Next paragraph tail0 tail1 tail2 tail3 tail4 tail5 tail6 tail7 tail8 tail9 tail10 tail11 tail12"
        " tail13 tail14 tail15 tail16 tail17 tail18 tail19 tail20 tail21 tail22 … [37 unchanged words] …\n"
    )
