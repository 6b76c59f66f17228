"""`newsarchive capture` end to end: the local news site in, the archive out."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from sqlalchemy import select

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture
from newsarchive.storage.warc.store import WarcLocation, read_response
from tests.helpers import FAST, capture, capture_json, cli_argv, json_output, newsarchive
from tests.site.server import NewsSite


def _captures(config: ArchiveConfig) -> list[Capture]:
    with Archive(config) as archive, archive.sessions() as session:
        return list(session.scalars(select(Capture).order_by(Capture.id)))


def test_capture_edit_and_history_end_to_end(news_site: NewsSite, archive_config: ArchiveConfig) -> None:
    spec = news_site.articles[0]
    url = news_site.article_url(spec.slug)

    first = capture(archive_config, url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("new article"), first.stdout
    assert spec.title in first.stdout

    again = capture(archive_config, url)
    assert again.returncode == 0 and again.stdout.startswith("unchanged"), again.stdout

    news_site.edit_furniture(spec.slug)
    furniture = capture(archive_config, url)
    assert furniture.stdout.startswith("unchanged"), furniture.stdout

    news_site.edit_headline(spec.slug, "A corrected headline for the story")
    edited = capture(archive_config, url)
    assert re.match(r"new version\s+v2 ", edited.stdout), edited.stdout

    history = json_output(newsarchive(archive_config, "history", url, "--json"))
    assert [entry["version"] for entry in history] == [1, 2]
    assert history[0]["title"] == spec.title
    assert history[1]["title"] == "A corrected headline for the story"
    assert history[0]["captures"] == 3 and history[1]["captures"] == 1
    assert all({"first_seen", "last_seen"} <= set(entry) for entry in history)

    latest = json_output(newsarchive(archive_config, "show", url, "--json"))
    assert latest["version"] == 2 and latest["changes"]["headline_changed"] is True
    old = json_output(newsarchive(archive_config, "show", url, "--version", "1", "--json"))
    assert old["title"] == spec.title and old["text"] == latest["text"]

    rows = _captures(archive_config)
    assert [row.outcome for row in rows] == ["new_article", "unchanged", "unchanged", "new_version"]
    for row in rows:
        stored = read_response(
            archive_config.warc_dir, WarcLocation(row.warc_file, row.warc_offset, row.warc_length)
        )
        assert stored.url == url and stored.status == 200
        assert stored.record_id and row.body_size == len(stored.body)
    # The furniture edit changed the raw bytes, not the story.
    assert rows[1].body_sha256 != rows[2].body_sha256


def test_body_edit_adds_a_version_and_show_prints_it(news_site: NewsSite, tmp_path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    spec = news_site.articles[1]
    url = news_site.article_url(spec.slug)
    assert capture(config, url).returncode == 0
    paragraph = news_site.edit_body(spec.slug, "Update: officials later confirmed the figures.")
    assert re.match(r"new version\s+v2 ", capture(config, url).stdout)
    shown = newsarchive(config, "show", url)
    assert shown.returncode == 0 and paragraph in shown.stdout
    latest = json_output(newsarchive(config, "show", url, "--json"))
    assert latest["changes"]["words_added"] >= 6 and latest["changes"]["note_appeared"] is True


def test_redirect_and_tracking_parameters_land_on_one_article(news_site: NewsSite, tmp_path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    spec = news_site.articles[0]
    news_site.redirect("/short/1", spec.path, status=301)
    results = capture_json(config, news_site.url("/short/1"))
    assert results[0]["outcome"] == "new_article"
    assert results[0]["article_url"] == news_site.article_url(spec.slug)
    tracked = capture_json(
        config, news_site.article_url(spec.slug) + "?utm_source=newsletter&utm_medium=email"
    )
    assert tracked[0]["outcome"] == "unchanged" and tracked[0]["article_id"] == results[0]["article_id"]
    rows = _captures(config)
    assert rows[0].requested_url == news_site.url("/short/1")
    assert rows[0].final_url == news_site.article_url(spec.slug)


def test_failures_exit_nonzero_with_a_reason_and_keep_the_archive(news_site: NewsSite, tmp_path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    good = news_site.article_url(news_site.articles[0].slug)
    assert capture(config, good).returncode == 0
    before = json_output(newsarchive(config, "show", good, "--json"))

    cases = {
        news_site.url("/fault/404"): "HTTP 404",
        news_site.url("/fault/500"): "HTTP 500",
        news_site.url("/fault/pdf"): "non-HTML body (application/pdf)",
        news_site.url("/fault/binary"): "binary body",
        news_site.url("/fault/empty"): "empty body",
        news_site.url("/fault/huge?mb=3"): "body over the size limit",
        "http://127.0.0.1:9/closed-port": "connection refused",
        "http://no-such-host.invalid/story": "DNS lookup failed",
    }
    done = capture(config, *cases, extra=("-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_MAXSIZE=1048576"))
    assert done.returncode == 1
    lines = {
        line.split()[1].rstrip(":"): line for line in done.stdout.splitlines() if line.startswith("failed")
    }
    for url, reason in cases.items():
        assert url in lines, done.stdout
        assert reason in lines[url], lines[url]
    failed = [row for row in _captures(config) if row.outcome == "failed"]
    assert len(failed) == len(cases) and all(row.error and row.article_id is None for row in failed)
    assert json_output(newsarchive(config, "show", good, "--json")) == before


def test_robots_txt_is_obeyed_unless_told_otherwise(news_site: NewsSite, tmp_path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    secret = news_site.url("/private/secret.html")
    refused = capture(config, secret)
    assert refused.returncode == 1 and "skipped" in refused.stdout and "robots.txt" in refused.stdout
    assert news_site.request_count("/private/secret.html") == 0
    forced = capture_json(config, secret, extra=("--ignore-robots",))
    assert news_site.request_count("/private/secret.html") == 1
    rows = _captures(config)
    assert rows[0].outcome == "skipped" and rows[0].ignore_robots is False
    assert rows[-1].ignore_robots is True and forced[0]["capture_id"] == rows[-1].id


def test_bad_urls_are_refused_before_fetching(tmp_path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    done = newsarchive(config, "capture", "ftp://example.com/x", "not a url")
    assert done.returncode == 2
    assert "unsupported scheme 'ftp'" in done.stderr and "Traceback" not in done.stderr


def test_show_unknown_url_is_a_clean_error(tmp_path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    done = newsarchive(config, "show", "https://example.com/never")
    assert done.returncode == 1
    assert "no archived article" in done.stderr and "Traceback" not in done.stderr


def test_meta_refresh_pages_are_followed_in_any_encoding(news_site: NewsSite, tmp_path) -> None:
    # The head-only check (newsarchive.crawler.crawl.downloader.middlewares.HeadMetaRefreshMiddleware) must not
    # hide a refresh from Scrapy's middleware, in UTF-8 or in UTF-16.
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    for fault, spec in (
        ("meta-refresh", news_site.articles[0]),
        ("meta-refresh-utf16", news_site.articles[1]),
    ):
        results = capture_json(config, news_site.url(f"/fault/{fault}?to={spec.path}"))
        assert results[0]["outcome"] == "new_article", results
        assert results[0]["article_url"] == news_site.article_url(spec.slug)
    rows = _captures(config)
    assert [row.final_url for row in rows] == [
        news_site.article_url(news_site.articles[0].slug),
        news_site.article_url(news_site.articles[1].slug),
    ]


def test_one_malformed_url_refuses_the_whole_batch_before_any_fetch(
    news_site: NewsSite, sqlite_config: ArchiveConfig
) -> None:
    good = [news_site.articles[0].url, news_site.articles[1].url]
    done = capture(sqlite_config, good[0], "http://exa mple.com/x", good[1], "notaurl")
    assert done.returncode == 2, done.stdout + done.stderr
    errors = done.stderr.splitlines()
    assert errors[0].startswith("error: http://exa mple.com/x: ") and errors[1].startswith("error: notaurl: ")
    assert errors[-1] == "nothing fetched: 2 malformed URLs"
    assert done.stdout == ""
    assert news_site.requests == []  # not even robots.txt
    assert not (sqlite_config.home / "warc").exists() or not any((sqlite_config.home / "warc").iterdir())


def test_capture_reads_urls_from_stdin_and_a_file_in_one_run(
    news_site: NewsSite, sqlite_config: ArchiveConfig, tmp_path: Path
) -> None:
    first, second, third = (a.url for a in news_site.articles[:3])
    listed = tmp_path / "urls.txt"
    listed.write_text(f"# to capture\n{second}\n\n   {third}  \n")
    argv = cli_argv(sqlite_config, "capture", "--json", "-", "--from", str(listed), *FAST)
    done = subprocess.run(argv, input=f"{first}\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted(r["url"] for r in results) == sorted([first, second, third])
    assert {r["outcome"] for r in results} == {"new_article"}
    # One process, one Scrapy run: robots.txt was asked for once, not once per URL.
    assert news_site.request_count("/robots.txt") == 1


def test_capture_with_no_url_at_all_says_how_to_give_them(sqlite_config: ArchiveConfig) -> None:
    done = newsarchive(sqlite_config, "capture")
    assert done.returncode == 2 and "'-' to read them from standard input, or --from FILE" in done.stderr
