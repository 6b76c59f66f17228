"""A capture after an extractor upgrade: the article is re-read by the new extractor first, never a false edit.

Through the real capture path (`newsarchive capture` on the local news site),
the first capture by today's extractor, the next ones by the simulated
upgrade (tests/reextract/changed_extractor.py drops the line DROPPED).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.crawler.warcin.importer import Importer, ImportOptions
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture
from tests.helpers import FAST, capture, cli_argv, json_output, newsarchive
from tests.reextract import changed_extractor
from tests.reextract.changed_extractor import DROPPED, NEW_VERSION
from tests.reextract.test_reextract import DAY, EDIT, A, B, edits, imported, versions
from tests.reextract.test_reextract_cli import REPO
from tests.site.server import NewsSite
from tests.warcin.warcs import T0, Rec, story, write_warc

# A paragraph the old extractor keeps and the upgrade drops: only the extractor changes its reading.
STATEMENT = f"{DROPPED}, a spokesperson added in a written statement."
UPDATE = "Update: the council approved the plan on Tuesday evening after a long debate."


def capture_upgraded(config: ArchiveConfig, url: str) -> subprocess.CompletedProcess[str]:
    """`newsarchive capture URL` run by the upgraded extractor."""
    argv = cli_argv(config, "capture", *FAST, url)
    command = [sys.executable, "-m", "tests.reextract.changed_extractor", *argv[3:]]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=REPO, check=False)


def history(config: ArchiveConfig, url: str) -> list[dict[str, Any]]:
    return json_output(newsarchive(config, "history", url, "--json"))


def causes(config: ArchiveConfig, url: str) -> list[tuple[int, str, bool]]:
    return [(v["version"], v["cause"], v["superseded_at"] is not None) for v in history(config, url)]


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def publisher_edits(config: ArchiveConfig, *extra: str) -> list[tuple[str, int]]:
    rows = json_output(newsarchive(config, "changes", "--json", *extra))
    return [(row["url"], row["version"]) for row in rows]


def captured_by_old_extractor(site: NewsSite, config: ArchiveConfig, index: int) -> str:
    spec = site.articles[index]
    url = site.article_url(spec.slug)
    site.edit_body(spec.slug, STATEMENT)  # on the page from the start
    first = capture(config, url)
    assert first.returncode == 0 and first.stdout.startswith("new article"), first.stdout + first.stderr
    assert STATEMENT in json_output(newsarchive(config, "show", url, "--json"))["text"]
    return url


def test_the_same_page_after_an_extractor_upgrade_is_no_edit(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    url = captured_by_old_extractor(news_site, archive_config, 0)
    # New bytes, the same story: the page is extracted again, by the upgraded extractor.
    news_site.edit_furniture(news_site.articles[0].slug)
    again = capture_upgraded(archive_config, url)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("unchanged"), again.stdout
    # The article was brought to the new extractor: one extractor version, no edit.
    assert causes(archive_config, url) == [(1, "edit", True), (2, "extractor", False)]
    current = history(archive_config, url)[-1]
    assert current["extractor_version"] == NEW_VERSION and current["captures"] == 2
    assert publisher_edits(archive_config) == []
    assert publisher_edits(archive_config, "--include-extractor") == [(url, 2)]
    # A later capture of the same page by the same extractor: still nothing new.
    news_site.edit_furniture(news_site.articles[0].slug)
    assert capture_upgraded(archive_config, url).stdout.startswith("unchanged")
    assert len(history(archive_config, url)) == 2


def test_a_changed_page_after_an_extractor_upgrade_is_one_edit_of_the_publisher_only(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    url = captured_by_old_extractor(news_site, archive_config, 1)
    news_site.edit_body(news_site.articles[1].slug, UPDATE)
    edited = capture_upgraded(archive_config, url)
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout.startswith("new version"), edited.stdout
    assert causes(archive_config, url) == [(1, "edit", True), (2, "extractor", False), (3, "edit", False)]
    assert publisher_edits(archive_config) == [(url, 3)]
    # The edit is diffed against the new extractor's reading: only the update, nothing the extractor dropped.
    versions = history(archive_config, url)
    shown = json_output(newsarchive(archive_config, "show", url, "--json"))
    assert shown["version"] == 3 and shown["changes"]["words_removed"] == 0
    assert shown["changes"]["words_added"] == len(UPDATE.split())
    assert "previous_extractor" not in shown["changes"]
    before = json_output(newsarchive(archive_config, "show", url, "--version", "2", "--json"))
    assert DROPPED not in before["text"] and DROPPED not in shown["text"]
    assert UPDATE in shown["text"]
    assert lines(shown["text"].replace(UPDATE, "")) == lines(before["text"])
    assert versions[1]["extractor_version"] == versions[2]["extractor_version"] == NEW_VERSION


def test_an_unreadable_raw_capture_leaves_the_history_and_says_what_the_edit_was_compared_with(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    url = captured_by_old_extractor(news_site, archive_config, 2)
    shutil.rmtree(archive_config.warc_dir)  # the old capture's raw bytes are gone
    news_site.edit_body(news_site.articles[2].slug, UPDATE)
    edited = capture_upgraded(archive_config, url)
    assert edited.returncode == 0, edited.stderr
    assert "could not be re-read" in edited.stderr, (edited.stdout, edited.stderr)
    # Nothing rebuilt; the page did change, so an edit, marked as compared with the old extractor's text.
    assert causes(archive_config, url) == [(1, "edit", False), (2, "edit", False)]
    shown = json_output(newsarchive(archive_config, "show", url, "--json"))
    assert shown["changes"]["previous_extractor"] != NEW_VERSION
    assert shown["changes"]["words_removed"] > 0  # the dropped line shows: why the note is there


def take_the_name_again(config: ArchiveConfig, url: str, body: bytes) -> None:
    """The WARC file of the URL's first capture replaced by a new one of that name, with `body` at its offset.

    What happens when the WARC directory is emptied and the next capture's
    file (named by day and serial) gets the old name: with records of equal
    sizes before it, the new response lands exactly where the old one was.
    """
    with Archive(config) as archive, archive.sessions() as session:
        file, offset = session.execute(
            select(Capture.warc_file, Capture.warc_offset).where(Capture.requested_url == url)
        ).one()
    path = Path(config.warc_dir) / file
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
    )
    path.write_bytes(path.read_bytes()[:offset] + buffer.getvalue())


def test_a_warc_name_taken_again_is_not_read_as_the_old_capture(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    url = captured_by_old_extractor(news_site, archive_config, 3)
    news_site.edit_body(news_site.articles[3].slug, UPDATE)
    with urllib.request.urlopen(url, timeout=30) as response:  # the edited page, fetched later
        take_the_name_again(archive_config, url, response.read())
    edited = capture_upgraded(archive_config, url)
    assert edited.returncode == 0, edited.stderr
    # Not the old capture's bytes: the article is left as it was, never rebuilt from the edited page.
    assert "could not be re-read" in edited.stderr and "not this capture's" in edited.stderr, (
        edited.stdout,
        edited.stderr,
    )
    assert edited.stdout.startswith("new version"), edited.stdout
    assert causes(archive_config, url) == [(1, "edit", False), (2, "edit", False)]
    old = json_output(newsarchive(archive_config, "show", url, "--version", "1", "--json"))
    assert UPDATE not in old["text"] and STATEMENT in old["text"]
    shown = json_output(newsarchive(archive_config, "show", url, "--json"))
    assert shown["changes"]["previous_extractor"] != NEW_VERSION
    assert UPDATE in shown["text"]


def test_an_import_after_an_upgrade_reads_the_article_again_first(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(archive, tmp_path)  # read by today's extractor: A has v1 and an edit, v2
    changed_extractor.install(monkeypatch)
    later = tmp_path / "later.warc.gz"
    second = "A second update: the council will meet again on Thursday to reconsider the measure."
    write_warc(
        later,
        [
            Rec(A, T0 + 3 * DAY, story("Budget vote", EDIT) + b"<!-- other bytes, the same story -->"),
            Rec(B, T0 + 3 * DAY, story("Bridge repair", second)),
        ],
    )
    Importer(archive, ImportOptions(workers=0)).run([later])
    budget = versions(archive, A)
    assert [(v.number, v.cause, v.superseded_at is not None) for v in budget] == [
        (1, "edit", True),
        (2, "edit", True),
        (3, "extractor", False),
        (4, "edit", False),  # the publisher's edit of T0 + 2 days, seen again by the new extractor
    ]
    assert budget[3].capture_count == 2  # the new capture: one more of the same version
    bridge = versions(archive, B)
    assert [(v.number, v.cause, v.superseded_at is not None) for v in bridge] == [
        (1, "edit", True),
        (2, "extractor", False),
        (3, "edit", False),
    ]
    assert bridge[2].changes["words_removed"] == 0 and bridge[2].changes["words_added"] == len(second.split())
    assert sorted(edits(archive)) == sorted([(A, 4), (B, 3)])
