"""One-line refusals from the research commands: unknown names, extreme dates, control characters,
searches past --timeout, and databases the archive does not run on."""

from __future__ import annotations

import pytest

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from tests.helpers import newsarchive
from tests.research.test_history_cli import run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["changes", "--source", "nosuch"],
            "no source named 'nosuch' in this archive (known: example, markets)",
        ),
        (["changes", "--domain", "nosuch.example"], "no domain named 'nosuch.example'"),
        (["search", "budget", "--source", "nosuch"], "no source named 'nosuch'"),
        (["search", "--domain", "NOSUCH.example"], "no domain named 'nosuch.example'"),
    ],
)
def test_filters_on_unknown_names_say_so(
    filled: Archive, archive_config: ArchiveConfig, args: list[str], message: str
) -> None:
    code, out, err = run(archive_config, *args)
    assert code == 1 and out == "" and message in err


def test_known_names_still_filter(filled: Archive, archive_config: ArchiveConfig) -> None:
    code, _out, err = run(archive_config, "changes", "--source", "example", "--domain", "news.example.com")
    assert code == 0 and "edit" in err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--published-to", "9999-12-31", "must be between 1000-01-01 and 9998-12-31"),
        ("--published-from", "0001-01-01", "must be between"),
        ("--captured-from", "0001-01-01T00:00:00", "must be between"),
        ("--captured-to", "9999-12-31", "must be between"),
        ("--author", "\x01", "must not contain control characters"),
        ("--source", "a\x02", "must not contain control characters"),
    ],
)
@pytest.mark.parametrize("command", ["search", "export"])
def test_extreme_filter_values_are_usage_errors(
    filled: Archive,
    archive_config: ArchiveConfig,
    tmp_path,
    command: str,
    option: str,
    value: str,
    message: str,
) -> None:
    extra = ["--out", str(tmp_path / "x.jsonl")] if command == "export" else []
    code, _out, err = run(archive_config, command, option, value, *extra)
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "x.jsonl").exists()


def test_a_search_past_its_timeout_is_one_line(filled: Archive, archive_config: ArchiveConfig) -> None:
    code, out, err = run(archive_config, "search", "council", "--all-versions", "--timeout", "0.000001")
    assert code == 1 and out == ""
    assert err.startswith("Error: query too broad: it ran past the 1e-06 s limit") and err.count("\n") == 1
    assert "--timeout" in err
    code, _out, err = run(archive_config, "search", "council", "--timeout", "30")
    assert code == 0


@pytest.mark.parametrize(
    "url",
    ["mysql://user:secret@localhost/news", "oracle://x", "not a url", "mongodb+srv://x/y"],
)
def test_an_unsupported_database_is_one_line(tmp_path, url: str) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=url)
    for args in (["search", "x"], ["changes"], ["sources", "list"], ["serve", "--port", "0"]):
        done = newsarchive(config, *args, timeout=60)
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "unsupported database" in done.stderr
        assert "secret" not in done.stderr


def test_an_unreachable_database_is_one_line(tmp_path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url="postgresql://postgres@127.0.0.1:1/none")
    done = newsarchive(config, "search", "x", timeout=60)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("Error: cannot open the archive:")
