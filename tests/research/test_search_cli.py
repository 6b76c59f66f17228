"""`newsarchive search`: results on stdout, one-line errors, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from tests.research.conftest import BUDGET, FLOOD, MARKET, RECIPE
from tests.research.test_history_cli import run


def test_text_output_and_count_on_stderr(filled: Archive, archive_config: ArchiveConfig) -> None:
    code, out, err = run(archive_config, "search", "budget")
    assert code == 0 and "2 matches (showing 1-2)" in err
    assert out.index(BUDGET) < out.index(MARKET) and "Council rejects budget" in out


def test_filters_json_and_csv(filled: Archive, archive_config: ArchiveConfig) -> None:
    code, out, _ = run(archive_config, "search", "--source", "markets", "--sort", "date", "--json")
    data = json.loads(out)
    assert code == 0 and data["total"] == 2 and [h["url"] for h in data["hits"]] == [RECIPE, MARKET]
    code, out, _ = run(archive_config, "search", "--published-from", "2026-03-03", "--csv", "--limit", "1")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["url"] for r in rows] == [MARKET] and rows[0]["authors"] == "Müller, Karin"
    code, out, _ = run(
        archive_config, "search", "approves", "--all-versions", "--captured-to", "2026-03-02", "--json"
    )
    assert [h["version"] for h in json.loads(out)["hits"]] == [1]
    code, out, _ = run(archive_config, "search", "--author", "park", "--changed", "--json")
    assert json.loads(out)["total"] == 0
    code, out, _ = run(archive_config, "search", "--author", "park", "--json")
    assert [h["url"] for h in json.loads(out)["hits"]] == [FLOOD]


def test_bad_query_is_one_line(filled: Archive, archive_config: ArchiveConfig) -> None:
    code, out, err = run(archive_config, "search", "--", "-budget")
    assert (
        code == 1
        and out == ""
        and err.strip()
        == ("Error: bad query: the query only excludes words: add at least one word to look for")
    )
    code, _, err = run(archive_config, "search", "x", "--published-from", "March")
    assert code == 2 and "Traceback" not in err


def test_cursor_pages_from_the_command_line(filled: Archive, archive_config: ArchiveConfig) -> None:
    code, out, err = run(archive_config, "search", "--sort", "date", "--limit", "3", "--json")
    first = json.loads(out)
    assert code == 0 and first["total_exact"] is True and first["next_cursor"]
    code, out, err = run(
        archive_config, "search", "--sort", "date", "--limit", "3", "--cursor", first["next_cursor"]
    )
    assert code == 0 and out.count("https://") == 1 and BUDGET in out
    _, _, err = run(archive_config, "search", "--sort", "date", "--limit", "3")
    assert f"next page: --cursor {first['next_cursor']}" in err
    code, _, err = run(archive_config, "search", "--cursor", "garbage")
    assert code == 1 and "cursor" in err


def test_says_when_relevance_ranked_only_the_newest(
    filled: Archive, archive_config: ArchiveConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsarchive.storage.research.search import postgres, sqlite

    code, out, err = run(archive_config, "search", "budget", "--json")
    assert code == 0 and json.loads(out)["ranked"] is None and "ranked" not in err
    for engine in (sqlite, postgres):
        monkeypatch.setattr(engine, "RANK_CANDIDATES", 1)
    code, out, err = run(archive_config, "search", "budget", "--limit", "1")
    assert code == 0 and "ranked by relevance among the newest 1 (--sort date reaches every match)" in err
    assert json.loads(run(archive_config, "search", "budget", "--limit", "1", "--json")[1])["ranked"] == 1
