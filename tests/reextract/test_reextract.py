"""`newsarchive reextract`: archived captures read again by a changed extractor."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from newsarchive.crawler.reextract.checkpoint import CHECKPOINT_PATH
from newsarchive.crawler.reextract.runner import ReextractOptions, Reextractor
from newsarchive.crawler.reextract.selection import ReextractFilter
from newsarchive.crawler.warcin.importer import Importer, ImportOptions
from newsarchive.storage.archive import Archive
from newsarchive.storage.models import Article, Capture, ImportCheckpoint, Version
from newsarchive.storage.research.changes import recent_changes
from tests.reextract import changed_extractor
from tests.reextract.changed_extractor import DROPPED, NEW_VERSION
from tests.warcin.warcs import T0, Rec, story, write_warc

A = "https://news.example.com/2026/budget.html"
B = "https://news.example.com/2026/bridge.html"
C = "https://sport.example.org/cup-final.html"
EDIT = "Update: the mayor vetoed the measure on Friday afternoon, sending it back."
DAY = timedelta(days=1)


def imported(archive: Archive, tmp_path: Path) -> None:
    """A: three captures, an edit at the third; B: two identical captures; C: one capture."""
    path = tmp_path / "archive.warc.gz"
    write_warc(
        path,
        [
            Rec(A, T0, story("Budget vote")),
            Rec(B, T0, story("Bridge repair")),
            Rec(C, T0, story("Cup final")),
            Rec(A, T0 + DAY, story("Budget vote")),
            Rec(B, T0 + DAY, story("Bridge repair")),
            Rec(A, T0 + 2 * DAY, story("Budget vote", EDIT)),
        ],
    )
    Importer(archive, ImportOptions(workers=0)).run([path])


def reextract(archive: Archive, **options: object):
    return Reextractor(archive, ReextractOptions(workers=0, **options)).run()  # type: ignore[arg-type]


def versions(archive: Archive, url: str) -> list[Version]:
    with archive.sessions() as session:
        article = session.scalar(select(Article).where(Article.canonical_url == url))
        assert article is not None
        rows = list(
            session.scalars(select(Version).where(Version.article_id == article.id).order_by(Version.number))
        )
        session.expunge_all()
        return rows


def edits(archive: Archive, **options: object) -> list[tuple[str, int]]:
    with archive.sessions() as session:
        return [(e.url, e.version) for e in recent_changes(session, **options)]  # type: ignore[arg-type]


def test_a_changed_extractor_makes_extractor_versions_and_no_publisher_edits(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(archive, tmp_path)
    assert edits(archive) == [(A, 2)]
    changed_extractor.install(monkeypatch)
    log = tmp_path / "extracted.log"
    monkeypatch.setenv("REEXTRACT_LOG", str(log))
    summary = reextract(archive)
    assert (summary.articles, summary.changed, summary.unchanged) == (3, 3, 0)
    # A's and B's second captures have the bytes of their first: six captures, four extractions.
    assert summary.captures == 6 and summary.same_bytes == 2
    assert len(log.read_text().splitlines()) == 4
    assert (summary.extractor_versions, summary.edit_versions, summary.superseded) == (3, 1, 4)

    budget = versions(archive, A)
    assert [(v.number, v.cause, v.superseded_at is not None) for v in budget] == [
        (1, "edit", True),
        (2, "edit", True),
        (3, "extractor", False),
        (4, "edit", False),
    ]
    # Nothing archived changed: the old readings are there, word for word.
    assert all(DROPPED in v.text for v in budget[:2]) and EDIT in budget[1].text
    assert all(DROPPED not in v.text for v in budget[2:])
    assert {v.extractor_version for v in budget[2:]} == {NEW_VERSION}
    # The new generation spans the same captures at the same times.
    assert [(v.first_seen_at, v.last_seen_at, v.capture_count) for v in budget[2:]] == [
        (T0, T0 + DAY, 2),
        (T0 + 2 * DAY, T0 + 2 * DAY, 1),
    ]
    # Extractor versions are no edit: no kinds, marked in their summary.
    assert budget[2].edit_kinds is None and budget[2].changes["extractor_change"]
    assert budget[3].edit_kinds and budget[3].changes["words_added"] > 0
    # `changes`: still one publisher edit (the new generation's), none from the extractor.
    assert edits(archive) == [(A, 4)]
    assert sorted(edits(archive, include_extractor=True)) == sorted([(A, 3), (A, 4), (B, 2), (C, 2)])
    with archive.sessions() as session:
        article = session.scalar(select(Article).where(Article.canonical_url == A))
        assert article is not None
        assert (article.version_count, article.latest_version_id) == (4, budget[3].id)
        # Every capture points at the current generation.
        pointed = session.scalars(select(Capture.version_id).where(Capture.article_id == article.id))
        assert set(pointed) == {budget[2].id, budget[3].id}
    # A second run finds nothing to do: every article is read by the current extractor.
    again = reextract(archive)
    assert again.already_done or again.articles == 0


def test_an_extractor_that_removes_a_false_edit_leaves_one_extractor_version(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "flaky.warc.gz"
    write_warc(
        path,
        [
            Rec(A, T0, story("Budget vote")),
            Rec(
                A,
                T0 + DAY,
                story("Budget vote", "Officials said the measure would take effect next month, yes."),
            ),
        ],
    )
    Importer(archive, ImportOptions(workers=0)).run([path])
    assert [v.cause for v in versions(archive, A)] == ["edit", "edit"]
    changed_extractor.install(monkeypatch)
    summary = reextract(archive)
    assert (summary.changed, summary.extractor_versions, summary.edit_versions) == (1, 1, 0)
    current = [v for v in versions(archive, A) if v.superseded_at is None]
    assert [(v.number, v.cause, v.capture_count) for v in current] == [(3, "extractor", 2)]
    assert edits(archive) == []


def test_dry_run_writes_nothing_and_shows_diffs(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(archive, tmp_path)
    before = versions(archive, A) + versions(archive, B)
    changed_extractor.install(monkeypatch)
    summary = reextract(archive, dry_run=True)
    assert (summary.changed, summary.unchanged, summary.extractor_versions) == (3, 0, 0)
    assert len(summary.sample) == 3
    assert all(re.search(rf"\[-\s*{DROPPED}", item.diff) for item in summary.sample)
    assert {item.url for item in summary.sample} == {A, B, C}
    after = versions(archive, A) + versions(archive, B)
    assert [(v.id, v.cause, v.superseded_at, v.text) for v in after] == [
        (v.id, v.cause, v.superseded_at, v.text) for v in before
    ]
    with archive.sessions() as session:
        # The import's checkpoint only: a dry run keeps none.
        marks = select(func.count(ImportCheckpoint.id)).where(ImportCheckpoint.path == CHECKPOINT_PATH)
        assert session.scalar(marks) == 0


def test_an_unchanged_extractor_reading_changes_nothing(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(archive, tmp_path)
    # A new version string, the same output: every article reads as before.
    monkeypatch.setattr(
        "newsarchive.crawler.crawl.pipeline.extraction.ExtractionRunner.extractor_version", NEW_VERSION
    )
    summary = reextract(archive)
    assert (summary.changed, summary.unchanged) == (0, 3)
    assert [v.number for v in versions(archive, A)] == [1, 2]


def test_filters_choose_the_articles(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(archive, tmp_path)
    changed_extractor.install(monkeypatch)
    assert reextract(archive, filters=ReextractFilter(domains=("sport.example.org",))).articles == 1
    assert reextract(archive, filters=ReextractFilter(url=re.compile("bridge"))).articles == 1
    # Only articles captured on the third day: A.
    late = ReextractFilter(captured_from=T0 + 2 * DAY, captured_to=T0 + 3 * DAY)
    assert reextract(archive, filters=late).changed == 1
    assert versions(archive, A)[-1].cause == "edit" and len(versions(archive, A)) == 4
    # Every article now has a current version from extractor 99 or a stale one; below 5 means none.
    assert reextract(archive, filters=ReextractFilter(extractor_before=5)).articles == 0


def test_an_older_capture_imported_after_a_reextraction_opens_the_new_generation(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feb = tmp_path / "feb.warc.gz"
    write_warc(feb, [Rec(A, T0 + 30 * DAY, story("Budget vote"))])
    Importer(archive, ImportOptions(workers=0)).run([feb])
    changed_extractor.install(monkeypatch)
    reextract(archive)
    jan = tmp_path / "jan.warc.gz"
    write_warc(jan, [Rec(A, T0, story("Budget vote", EDIT))])  # January had other text
    summary = Importer(archive, ImportOptions(workers=0)).run([jan])
    assert summary.placed_earlier == 1
    rows = [(v.number, v.cause, v.superseded_at is not None, v.first_seen_at) for v in versions(archive, A)]
    assert rows == [
        (1, "edit", True, T0 + 30 * DAY),
        (2, "extractor", False, T0),
        (3, "edit", False, T0 + 30 * DAY),
    ]
    # January to February is a publisher's edit (the current extractor read both); nothing else is.
    assert edits(archive) == [(A, 3)]


def test_exports_and_search_leave_superseded_versions_out(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsarchive.storage.research.export.formats import iter_rows
    from newsarchive.storage.research.search.query import SearchQuery, search

    imported(archive, tmp_path)
    changed_extractor.install(monkeypatch)
    reextract(archive)
    with archive.sessions() as session:
        rows = list(iter_rows(session, SearchQuery(all_versions=True, domain="news.example.com")))
        assert sorted((r["url"], r["version"], r["cause"]) for r in rows) == [
            (B, 2, "extractor"),
            (A, 3, "extractor"),
            (A, 4, "edit"),
        ]
        # The dropped sentence is only in superseded readings: no longer found ...
        assert search(session, SearchQuery(text='"take effect next month"', all_versions=True)).hits == []
        # ... unless asked for.
        hits = search(
            session, SearchQuery(text='"take effect next month"', all_versions=True, superseded=True)
        )
        assert {hit.url for hit in hits.hits} == {A, B, C}
        # Only A has a publisher's edit; B and C have an extractor change and two versions each.
        changed = search(session, SearchQuery(changed=True))
        assert [hit.url for hit in changed.hits] == [A]
