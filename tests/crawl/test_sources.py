"""The sources file: what it accepts, and errors as file:line: reason."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from newsarchive.crawler.crawl.schedule.cron import cron_trigger
from newsarchive.crawler.crawl.sources import (
    SourcesError,
    load_sources,
    parse_duration,
    parse_sources,
    select_sources,
)
from newsarchive.storage.crawl_state.revisit_schedule import RevisitStep

GOOD = """\
# two sources
[[source]]
name = "example"
feeds = ["https://example.com/rss.xml"]
sitemaps = ["https://example.com/news-sitemap.xml"]
pages = ["https://example.com/world/"]
allow = ['/\\d{4}/\\d{2}/']
deny = ['/tag/', '/author/']
schedule = "*/15 * * * *"
delay = 2.5
concurrency = 1
language = "en"
revisit = [["3h", "10m"], ["2d", "6h"]]
max_age = "2d"

[[source]]
name = "other"
feeds = "https://other.example/atom.xml"
"""


def test_a_good_file_gives_sources(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(GOOD)
    first, second = load_sources(path)
    assert first.name == "example" and first.line == 2
    assert first.feeds == ("https://example.com/rss.xml",)
    assert first.schedule == "*/15 * * * *" and first.delay == 2.5 and first.concurrency == 1
    assert first.revisit == (
        RevisitStep(timedelta(hours=3), timedelta(minutes=10)),
        RevisitStep(timedelta(days=2), timedelta(hours=6)),
    )
    assert first.max_age == timedelta(days=2)
    assert first.url_allowed("https://example.com/2026/01/story.html")
    assert not first.url_allowed("https://example.com/2026/01/tag/x")
    assert not first.url_allowed("https://example.com/about/")
    assert first.document_hosts == {"example.com"}
    assert second.feeds == ("https://other.example/atom.xml",) and second.schedule is None
    assert [s.name for s in select_sources([first, second], ["other"])] == ["other"]
    with pytest.raises(KeyError, match="nope"):
        select_sources([first, second], ["nope"])


def _error(text: str) -> SourcesError:
    with pytest.raises(SourcesError) as info:
        parse_sources(text, Path("s.toml"))
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('[[source]]\nname = "a"\nfeeds = ["https://a/x"]\ncolour = "red"\n', 4, "unknown key 'colour'"),
        ('[[source]]\nname = "a"\npages = ["https://a/"]\nallow = ["("]\n', 4, "bad regular expression"),
        ('[[source]]\nname = "a"\nfeeds = ["https://a/x"]\n\nschedule = "61 * * * *"\n', 5, "bad cron"),
        (
            '[[source]]\nname = "a"\nfeeds = ["https://a/x"]\nschedule = "* * *"\n',
            4,
            "expected 5 cron fields",
        ),
        ('[[source]]\nname = "a"\nfeeds = ["ftp://a/x"]\n', 3, "unsupported scheme"),
        ('[[source]]\nname = "a"\n', 1, "no feeds, sitemaps or pages"),
        ('[[source]]\nfeeds = ["https://a/x"]\n', 1, "needs a name"),
        ('[[source]]\nname = "a"\nfeeds = ["https://a/x"]\nconcurrency = 0\n', 4, "at least 1"),
        (
            '[[source]]\nname = "a"\nfeeds = ["https://a/x"]\nrevisit = [["1d", "1h"], ["3h", "5m"]]\n',
            4,
            "increasing",
        ),
        ('[[source]]\nname = "a"\nfeeds = ["https://a/x"]\nmax_age = "soon"\n', 4, "not a duration"),
        ('[[source]]\nname = "a"\nfeeds = ["https://a/x"]\nhosts = ["https://b.com/"]\n', 4, "not a URL"),
        ('[[source]]\nname = "a"\nfeeds = ["https://a/x"]\nhosts = ["b..com"]\n', 4, "not a host name"),
        ('[[source]]\nname = "a"\nfeeds = ["https://a/x"]\nhosts = [1]\n', 4, "list of strings"),
        ('title = "x"\n[[source]]\nname = "a"\nfeeds = ["https://a/x"]\n', 1, "unknown top-level key"),
        ('[[source]]\nname = "a"\nfeeds = ["https://a/x"]\nfeeds = ["https://a/y"]\n', 4, "not valid TOML"),
    ],
)
def test_errors_name_the_file_line_and_reason(text: str, line: int, reason: str) -> None:
    error = _error(text)
    assert error.line == line, str(error)
    assert reason in error.reason
    assert str(error).startswith(f"s.toml:{line}: ")


def test_the_second_table_is_located() -> None:
    text = GOOD + '\n[[source]]\nname = "third"\nfeeds = ["https://t/x"]\ndeny = ["[oops"]\n'
    error = _error(text)
    assert error.line == text.splitlines().index('deny = ["[oops"]') + 1
    duplicate = GOOD + '\n[[source]]\nname = "other"\nfeeds = ["https://t/x"]\n'
    error = _error(duplicate)
    assert "duplicate source name 'other'" in error.reason
    assert error.line == duplicate.splitlines().index('name = "other"', 20) + 1


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="no such file"):
        load_sources(tmp_path / "nope.toml")


def test_durations() -> None:
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("1.5h") == timedelta(minutes=90)
    assert parse_duration("1w") == timedelta(days=7)
    with pytest.raises(ValueError):
        parse_duration("10 minutes")


def test_cron_weekdays_mean_what_crontab_says() -> None:
    # APScheduler 3 alone would read 0 as Monday.
    assert "day_of_week='sun'" in str(cron_trigger("0 6 * * 0"))
    assert "day_of_week='mon-fri'" in str(cron_trigger("0 6 * * 1-5"))
    assert "day_of_week='sun,mon-tue'" in str(cron_trigger("0 6 * * 0-2"))
    assert "second='*/5'" in str(cron_trigger("*/5 * * * * *"))
    with pytest.raises(ValueError):
        cron_trigger("0 6 * * 8")


def test_per_source_politeness_and_revisit_become_settings() -> None:
    from newsarchive.crawler.crawl.crawling import source_settings

    sources = parse_sources(GOOD)
    settings = source_settings(sources)
    assert settings["DOWNLOAD_SLOTS"] == {"example.com": {"delay": 2.5, "concurrency": 1}}
    assert settings["NEWSARCHIVE_REVISIT_SCHEDULES"] == {"example": [[10800.0, 600.0], [172800.0, 21600.0]]}
    # --no-throttle drops the delays, never the concurrency cap.
    assert source_settings(sources, throttle=False)["DOWNLOAD_SLOTS"] == {"example.com": {"concurrency": 1}}


def test_hosts_are_host_names_lower_cased_once() -> None:
    (source,) = parse_sources(
        '[[source]]\nname = "a"\npages = ["https://a.com/world/"]\n'
        'hosts = ["Example.CO.UK", "example.co.uk.", "www.example.org"]\n'
    )
    assert source.hosts == ("example.co.uk", "www.example.org")
    assert source.document_hosts == {"a.com"}


def test_sources_check_explains_each_sources_admission_rule(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsarchive.crawler.cli import main

    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\nname = "feeds"\nfeeds = ["https://feeds.example.com/rss.xml"]\nmax_urls = 5\n'
        '[[source]]\nname = "pages"\npages = ["https://example.com/world/"]\nhosts = ["example.co.uk"]\n'
        '[[source]]\nname = "bare"\npages = ["https://www.example.org/news/"]\ndeny = ["/live/"]\n'
    )
    result = CliRunner().invoke(main, ["--home", str(tmp_path), "sources", "check", "--sources", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  feeds: feed and sitemap entries on any host; then max_urls 5, robots.txt of each host" in lines
    assert (
        "  pages: section-page links on example.com and example.co.uk; then robots.txt of each host" in lines
    )
    assert (
        "  bare: section-page links on example.org (add others with hosts = [...]); "
        "then allow/deny, robots.txt of each host"
    ) in lines


BAD_EVERYWHERE = """\
colour = "red"

[[source]]
name = "ok"
feeds = ["https://example.com/rss.xml"]

[[source]]
name = "bad one"
feeds = ["not a url"]
shedule = "*/5 * * * *"

[[source]]
name = "ok"
pages = ["https://example.com/"]
deny = ["[oops"]

[[source]]
name = "empty"
"""


def test_every_problem_is_reported_with_its_line() -> None:
    error = _error(BAD_EVERYWHERE)
    found = [(p.line, p.reason.split(":")[0]) for p in error.problems]
    assert found == [
        (1, "unknown top-level key 'colour'"),
        (8, "each source needs a name"),
        (9, "feeds"),
        (10, "unknown key 'shedule' (known"),
        (13, "duplicate source name 'ok' (first on line 3)"),
        (15, "deny"),
        (17, "source 'empty' has no feeds, sitemaps or pages to discover articles from"),
    ]
    assert str(error) == str(error.problems[0]) == "s.toml:1: unknown top-level key 'colour'"
