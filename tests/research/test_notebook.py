"""The notebook API (newsarchive.storage.research.notebook) on an archive built by `newsarchive capture`.

The archive is made the way a user makes one: the real command fetching the
local news site, an edit on the site, a second capture. Then the notebook
reads it and must agree with the CLI on the same archive, on SQLite and on
PostgreSQL, without being able to change it.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.research.notebook import (
    ArticleRecord,
    DiffRecord,
    NotFound,
    UnknownName,
    VersionRecord,
    open_archive,
)
from tests.helpers import capture, json_output, newsarchive
from tests.site.server import NewsSite

CORRECTED = "Finance ministry corrects the figures it gave"
ADDED = "The ministry later said that the earlier figures had been wrong by a wide margin."


@pytest.fixture
def captured(news_site: NewsSite, archive_config: ArchiveConfig) -> dict[str, str]:
    """Three articles and a missing page captured in one run; the first then edited and captured again."""
    specs = news_site.articles[:3]
    urls = {spec.slug: news_site.article_url(spec.slug) for spec in specs}
    first = capture(archive_config, *urls.values(), news_site.url("/2026/01/01/no-such-story.html"))
    assert first.returncode == 1, first.stderr  # the missing page is a recorded failure
    news_site.edit_headline(specs[0].slug, CORRECTED)
    news_site.edit_body(specs[0].slug, ADDED)
    again = capture(archive_config, urls[specs[0].slug])
    assert again.returncode == 0 and again.stdout.startswith("new version"), again.stdout
    return {"edited": urls[specs[0].slug], "title": specs[0].title, **urls}


def test_articles_versions_captures_and_diffs_are_typed_records(
    captured: dict[str, str], archive_config: ArchiveConfig
) -> None:
    with open_archive(archive_config.db_url, home=archive_config.home) as archive:
        articles = list(archive.articles())
        assert len(articles) == 3 and all(isinstance(a, ArticleRecord) for a in articles)
        assert [a.id for a in articles] == sorted(a.id for a in articles)
        edited = archive.article(captured["edited"])
        assert edited.versions == 2 and edited in articles

        versions = list(archive.versions(edited))
        assert all(isinstance(v, VersionRecord) for v in versions)
        assert [(v.number, v.title) for v in versions] == [(1, captured["title"]), (2, CORRECTED)]
        assert ADDED not in versions[0].text and ADDED in versions[1].text
        assert versions[1].kinds is not None and "headline" in versions[1].kinds
        assert len(list(archive.versions())) == 4  # every article's, article by article
        with pytest.raises(AttributeError):
            versions[0].title = "changed"  # type: ignore[misc]  # frozen: a snapshot, not a live row

        (diff,) = list(archive.diffs())  # one edit in the whole archive
        assert isinstance(diff, DiffRecord) and diff.url == edited.url
        assert (diff.from_version, diff.to_version, diff.changed) == (1, 2, True)
        assert CORRECTED in "".join(diff.inserted("title"))
        assert ADDED in "".join(diff.inserted("text"))
        assert diff.summary is not None and diff.summary["headline_changed"] is True
        assert diff.from_seen <= diff.to_seen
        assert archive.diff(edited) == diff  # the default pair is the latest edit
        # Captured in one run, the three articles get their ids in whatever order the fetches end.
        unedited = next(a for a in articles if a.id != edited.id)
        assert list(archive.diffs(unedited)) == []

        captures = list(archive.captures())
        assert Counter(c.outcome for c in captures) == {"new_article": 3, "failed": 1, "new_version": 1}
        failed = next(c for c in captures if c.outcome == "failed")
        assert failed.article_id is None and failed.status_code == 404
        newest = list(archive.captures(edited))[-1]
        assert newest.outcome == "new_version" and newest.version_id == versions[1].id
        raw = archive.response(newest)  # the page as fetched, from the WARC file
        assert raw.status == 200 and ADDED.encode() in raw.body

        with pytest.raises(NotFound):
            archive.article("https://nowhere.example/story.html")


def test_search_and_changes_agree_with_the_cli(
    captured: dict[str, str], archive_config: ArchiveConfig
) -> None:
    cli_hits = json_output(newsarchive(archive_config, "search", "corrects", "--json"))["hits"]
    cli_changes = json_output(newsarchive(archive_config, "changes", "--json"))
    with open_archive(archive_config.db_url, home=archive_config.home) as archive:
        hits = list(archive.search("corrects"))
        assert [h.version_id for h in hits] == [h["version_id"] for h in cli_hits] and len(hits) == 1
        assert hits[0].url == captured["edited"] and hits[0].version == 2
        # The old headline's words are found only in an earlier version, as on the CLI.
        old_word = captured["title"].split()[0]
        latest_only = {h.version for h in archive.search(f'"{old_word}"', domain="127.0.0.1")}
        every = {h.version for h in archive.search(f'"{old_word}"', all_versions=True)}
        assert 1 in every and 1 not in latest_only

        changes = list(archive.changes())
        assert [c.version_id for c in changes] == [c["version_id"] for c in cli_changes] and len(changes) == 1
        assert changes[0].headline_changed and changes[0].old_title == captured["title"]
        assert list(archive.changes(kinds=["headline"])) == changes
        assert list(archive.changes(kinds=["typo"])) == []

    # The same search and changes as DataFrames (the notebook extra).
    pandas = pytest.importorskip("pandas", reason="the notebook extra (pandas) is not installed")
    with open_archive(archive_config.db_url, home=archive_config.home) as archive:
        frame = archive.search_frame(sort="date")
        assert len(frame) == 3 and set(frame["url"]) == {a.url for a in archive.articles()}
        assert isinstance(frame["first_seen"].dtype, pandas.DatetimeTZDtype)
        changes = archive.changes_frame()
        assert list(changes["title"]) == [CORRECTED] and bool(changes["headline_changed"].iloc[0])
        empty = archive.search_frame("nothingmatchesthisword")
        assert len(empty) == 0 and "url" in empty.columns


def test_read_only_and_mistakes_said_at_the_call(
    captured: dict[str, str], archive_config: ArchiveConfig
) -> None:
    with open_archive(archive_config.db_url, home=archive_config.home) as archive:
        with archive.session() as session, pytest.raises(DBAPIError):
            session.execute(text("DELETE FROM versions"))
            session.commit()
        assert len(list(archive.versions())) == 4
        with pytest.raises(UnknownName, match="no source named 'nosuch'"):
            archive.search("corrects", source="nosuch")
        with pytest.raises(UnknownName, match="no domain named 'nosuch.example'"):
            archive.changes(domain="NOSUCH.example")
        with pytest.raises(UnknownName, match="no source named 'nosuch'"):
            archive.articles(source="nosuch")
        with pytest.raises(ValueError, match="unknown edit kind 'typos'"):
            archive.changes(kinds=["typos"])
        with pytest.raises(ValueError, match="published date range ends before it starts"):
            archive.search(published_from="2026-03-02", published_to="2026-03-01")
        with pytest.raises(TypeError):
            archive.search(sorce="x")  # type: ignore[call-arg]
    # The crawler still writes to it afterwards: the reader left nothing locked or read-only.
    done = capture(archive_config, captured["edited"])
    assert done.returncode == 0 and done.stdout.startswith("unchanged"), done.stdout + done.stderr
