"""`newsarchive import`: WARC records through the extract, dedup and version path."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from newsarchive.crawler.warcin.importer import Importer, ImportOptions
from newsarchive.crawler.warcin.selection import ImportFilter
from newsarchive.crawler.warcin.writer import ImportWriter
from newsarchive.storage.archive import Archive
from newsarchive.storage.models import Article, Capture, Version
from newsarchive.storage.warc.store import WarcLocation, read_response
from tests.warcin.warcs import T0, Rec, payload_digest, story, write_arc, write_warc

A = "https://news.example.com/2026/budget.html"
B = "https://news.example.com/2026/bridge.html"
C = "https://sport.example.org/cup-final.html"
FEB = T0 + timedelta(days=31)
EDIT = "Update: the mayor vetoed the measure on Friday afternoon, sending it back."


def run(archive: Archive, *paths: Path, **options: object):
    return Importer(archive, ImportOptions(workers=0, **options)).run(list(paths))  # type: ignore[arg-type]


def history(archive: Archive, url: str) -> list[tuple[int, str, object, int]]:
    with archive.sessions() as session:
        article = session.scalar(select(Article).where(Article.canonical_url == url))
        assert article is not None, f"{url} not archived"
        rows = session.scalars(
            select(Version).where(Version.article_id == article.id).order_by(Version.number)
        )
        return [(v.number, v.text, v.first_seen_at, v.capture_count) for v in rows]


def months(tmp_path: Path) -> tuple[Path, Path]:
    jan = tmp_path / "jan.warc.gz"
    write_warc(
        jan,
        [
            Rec(A, T0, story("Budget vote")),
            Rec(A, T0, kind="request"),
            Rec(A, T0, kind="metadata"),
            Rec(B, T0, story("Bridge repair")),
        ],
    )
    feb = tmp_path / "feb.warc"
    write_warc(
        feb, [Rec(A, FEB, story("Budget vote", EDIT)), Rec(B, FEB, story("Bridge repair"))], gzip=False
    )
    return jan, feb


def test_months_imported_out_of_order_line_up_as_a_history(archive: Archive, tmp_path: Path) -> None:
    jan, feb = months(tmp_path)
    summary = run(archive, feb, jan)  # the later month first: files are taken oldest first
    assert summary.to_dict()["new_articles"] == 2
    assert summary.to_dict()["new_versions"] == 1 and summary.to_dict()["unchanged"] == 1
    assert summary.passed_over == {"request record": 1, "metadata record": 1, "warcinfo record": 2}
    budget = history(archive, A)
    assert [(n, first) for n, _text, first, _c in budget] == [(1, T0), (2, FEB)]
    assert EDIT not in budget[0][1] and EDIT in budget[1][1]
    # The same page twice: one version, two captures.
    assert [(n, count) for n, _t, _f, count in history(archive, B)] == [(1, 2)]
    # Captures point at the original files, and the record there is the page.
    with archive.sessions() as session:
        rows = session.execute(
            select(Capture.warc_file, Capture.warc_offset, Capture.warc_length, Capture.via).where(
                Capture.requested_url == A
            )
        ).all()
    assert {Path(name).name for name, *_ in rows} == {"jan.warc.gz", "feb.warc"}
    for name, offset, length, via in rows:
        assert via == "import" and length > 0
        assert read_response("/", WarcLocation(name, offset, length)).url == A


def test_captures_older_than_the_archived_history_take_their_place_in_it(
    archive: Archive, tmp_path: Path
) -> None:
    jan, feb = months(tmp_path)
    run(archive, feb)
    summary = run(archive, jan)  # a later run brings older captures
    assert summary.skipped == {} and summary.placed_earlier == 2
    # A's January text differs from February's: version 1, and February's version becomes 2.
    budget = history(archive, A)
    assert [(n, first, count) for n, _text, first, count in budget] == [(1, T0, 1), (2, FEB, 1)]
    assert EDIT not in budget[0][1] and EDIT in budget[1][1]
    # B's January page equals its only version: one more capture, the version now starts in January.
    assert [(n, first, count) for n, _t, first, count in history(archive, B)] == [(1, T0, 2)]
    with archive.sessions() as session:
        article = session.scalar(select(Article).where(Article.canonical_url == A))
        assert article is not None and article.version_count == 2 and article.first_seen_at == T0
        latest = session.get(Version, article.latest_version_id)
        assert latest is not None and latest.number == 2 and EDIT in latest.text
        # Summaries follow the new order: v2 is now an edit of v1, and v1 a first version.
        first, second = session.scalars(
            select(Version).where(Version.article_id == article.id).order_by(Version.number)
        )
        assert first.changes == {"first": True} and first.edit_kinds is None
        assert second.changes["words_added"] > 0 and second.edit_kinds


def test_an_older_capture_inside_a_version_span_splits_it_in_time_order(
    archive: Archive, tmp_path: Path
) -> None:
    later = tmp_path / "later.warc.gz"
    # A: the same text in January and March, an edit in April.
    write_warc(
        later,
        [
            Rec(A, T0, story("Budget vote")),
            Rec(A, T0 + timedelta(days=60), story("Budget vote")),
            Rec(A, T0 + timedelta(days=90), story("Budget vote", EDIT)),
        ],
    )
    run(archive, later)
    # February brings a text that was on the page between the two captures of version 1.
    middle = tmp_path / "feb.warc.gz"
    other = "Correction: an earlier version of this story misstated the date of the vote."
    write_warc(middle, [Rec(A, FEB, story("Budget vote", other))])
    run(archive, middle)
    budget = history(archive, A)
    assert [(n, first, count) for n, _t, first, count in budget] == [
        (1, T0, 1),
        (2, FEB, 1),
        (3, T0 + timedelta(days=60), 1),
        (4, T0 + timedelta(days=90), 1),
    ]
    assert other in budget[1][1] and EDIT in budget[3][1]
    assert budget[0][1] == budget[2][1]  # the page went back to its January text
    with archive.sessions() as session:
        article = session.scalar(select(Article).where(Article.canonical_url == A))
        assert article is not None and article.version_count == 4
        third = session.scalar(select(Version).where(Version.article_id == article.id, Version.number == 3))
        assert third is not None and third.revert_of == 1
        latest = session.get(Version, article.latest_version_id)
        assert latest is not None and latest.number == 4
        # Every capture points at the version whose span holds it.
        rows = session.execute(
            select(Capture.fetched_at, Version.number)
            .join(Version, Version.id == Capture.version_id)
            .where(Capture.article_id == article.id)
            .order_by(Capture.fetched_at)
        ).all()
        assert [n for _at, n in rows] == [1, 2, 3, 4]


def test_second_run_skips_finished_files_and_a_killed_run_resumes_without_doubles(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "many.warc.gz"
    urls = [f"https://news.example.com/2026/story-{i}.html" for i in range(6)]
    write_warc(path, [Rec(url, T0 + timedelta(minutes=i), story(f"Story {i}")) for i, url in enumerate(urls)])
    flushes = 0
    real_flush = ImportWriter.flush

    def dying_flush(self: ImportWriter) -> None:
        nonlocal flushes
        flushes += 1
        if flushes == 3:
            raise KeyboardInterrupt  # the process dies between two batches
        real_flush(self)

    monkeypatch.setattr(ImportWriter, "flush", dying_flush)
    with pytest.raises(KeyboardInterrupt):
        run(archive, path, batch=2)
    monkeypatch.setattr(ImportWriter, "flush", real_flush)
    with archive.sessions() as session:
        assert session.scalar(select(func.count(Capture.id))) == 4  # two batches committed
    resumed = run(archive, path, batch=2)
    assert resumed.to_dict()["new_articles"] == 2 and resumed.records == 2
    again = run(archive, path)
    assert again.files_already_done == 1 and again.records == 0
    with archive.sessions() as session:
        assert session.scalar(select(func.count(Capture.id))) == 6
        assert session.scalar(select(func.count(Article.id))) == 6


def test_damaged_records_are_reported_with_their_offset_and_skipped(archive: Archive, tmp_path: Path) -> None:
    urls = [f"https://news.example.com/2026/d-{i}.html" for i in range(4)]
    records = [Rec(url, T0, story(f"Damage {i}")) for i, url in enumerate(urls)]
    whole = tmp_path / "whole.warc.gz"
    spans = write_warc(whole, records)
    data = bytearray(whole.read_bytes())
    offset, length = spans[1]
    data[offset : offset + 40] = b"\x00" * 40  # a member damaged in the middle (its header zeroed)
    middle = tmp_path / "middle.warc.gz"
    middle.write_bytes(bytes(data[: spans[3][0] + spans[3][1] // 2]))  # and the last one cut in half
    summary = run(archive, middle)
    assert summary.to_dict()["new_articles"] == 2  # records 0 and 2
    assert summary.failed == {"corrupt or truncated record": 2}
    assert [line.split(":")[0].rsplit("@", 1)[1] for line in summary.damaged] == [
        str(offset),
        str(spans[3][0]),
    ]
    plain = tmp_path / "plain.warc"
    plain_spans = write_warc(plain, records[:2], gzip=False)
    plain.write_bytes(plain.read_bytes()[: plain_spans[1][0] + plain_spans[1][1] - 100])
    summary = run(archive, plain)
    assert summary.failed == {"corrupt or truncated record": 1}
    assert summary.damaged[0].split(":")[0].endswith(f"@{plain_spans[1][0]}")


def test_revisits_resolve_to_a_payload_read_in_this_run(archive: Archive, tmp_path: Path) -> None:
    body = story("Budget vote")
    path = tmp_path / "revisits.warc.gz"
    write_warc(
        path,
        [
            Rec(A, T0, body),
            Rec(A, FEB, kind="revisit", refers_to=payload_digest(body)),
            Rec(B, FEB, kind="revisit", refers_to=payload_digest(story("Never read"))),
        ],
    )
    summary = run(archive, path)
    assert summary.to_dict()["unchanged"] == 1
    assert summary.skipped == {"revisit of a record not read in this run": 1}
    assert [(n, first, count) for n, _t, first, count in history(archive, A)] == [(1, T0, 2)]


def test_filters_pick_records_before_extraction_and_source_is_attached(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.warc.gz"
    write_warc(
        path,
        [
            Rec(A, T0, story("Budget vote")),
            Rec(B, FEB, story("Bridge repair")),
            Rec(C, T0, story("Cup final")),
            Rec("https://news.example.com/feed.xml", T0, b"<rss/>", content_type="application/rss+xml"),
            Rec("https://news.example.com/missing.html", T0, b"gone", status=404),
        ],
    )
    filters = ImportFilter(domains=("example.com",), url=re.compile(r"/2026/"), until=FEB)
    summary = run(archive, path, filters=filters, source="local-news")
    assert summary.filtered_out == {"domain": 1, "date": 1}
    assert summary.passed_over["not HTML (application/rss+xml)"] == 1
    assert summary.passed_over["HTTP status 404"] == 1
    with archive.sessions() as session:
        assert session.execute(select(Article.canonical_url, Article.source)).all() == [(A, "local-news")]
    hosts = ImportFilter(hosts=("sport.example.org",))
    assert run(archive, path, filters=hosts).filtered_out == {"host": 2}


def test_copy_writes_the_records_into_the_archive(archive: Archive, tmp_path: Path) -> None:
    jan, _feb = months(tmp_path)
    run(archive, jan, copy=True)
    jan.unlink()  # the archive no longer needs the original
    with archive.sessions() as session:
        rows = session.execute(select(Capture.warc_file, Capture.warc_offset, Capture.warc_length)).all()
    assert rows and all(not Path(name).is_absolute() for name, *_ in rows)
    for name, offset, length in rows:
        page = read_response(archive.config.warc_dir, WarcLocation(name, offset, length))
        assert page.status == 200 and b"city council" in page.body


def test_arc_files_are_read_too(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "old.arc"
    write_arc(path, [Rec(A, T0, story("Budget vote")), Rec(B, FEB, story("Bridge repair"))])
    summary = run(archive, path)
    assert summary.to_dict()["new_articles"] == 2 and not summary.failed
    assert [(n, first) for n, _t, first, _c in history(archive, B)] == [(1, FEB)]


WALLS = Path(__file__).resolve().parent.parent / "extract" / "fixtures" / "walls"


def test_a_wall_in_an_imported_file_is_a_walled_capture_never_a_version(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "walled.warc.gz"
    wall = (WALLS / "consent_wall.onetrust-de.html").read_bytes()
    write_warc(path, [Rec(A, T0, story("Budget vote")), Rec(A, FEB, wall)])
    summary = run(archive, path)
    assert summary.to_dict()["new_articles"] == 1 and summary.to_dict()["walled"] == 1
    assert [n for n, *_ in history(archive, A)] == [1]


def test_language_filter_uses_the_declared_language_before_extraction(
    archive: Archive, tmp_path: Path
) -> None:
    german = story("Haushalt").replace(b"lang='en'", b"lang='de'")
    path = tmp_path / "languages.warc.gz"
    write_warc(
        path,
        [
            Rec(A, T0, story("Budget vote")),  # <html lang='en'>
            Rec(B, T0, german),  # <html lang='de'>
        ],
    )
    summary = run(archive, path, filters=ImportFilter(languages=("en",)))
    assert summary.filtered_out == {"language": 1} and summary.to_dict()["new_articles"] == 1
    with archive.sessions() as session:
        assert session.scalars(select(Article.canonical_url)).all() == [A]


def test_identical_bytes_are_recorded_unchanged_without_extraction(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsarchive.crawler.warcin import importer

    jan, feb = tmp_path / "jan.warc.gz", tmp_path / "feb.warc.gz"
    write_warc(jan, [Rec(A, T0, story("Budget vote")), Rec(B, T0, story("Bridge repair"))])
    # February: B byte for byte, A edited, and B again within the same file.
    write_warc(
        feb,
        [
            Rec(B, FEB, story("Bridge repair")),
            Rec(A, FEB, story("Budget vote", EDIT)),
            Rec(B, FEB + timedelta(hours=1), story("Bridge repair")),
        ],
    )
    run(archive, jan)
    extracted: list[str] = []
    real = importer.extract_fields

    def counting(body: bytes, url: str, *args: object) -> object:
        extracted.append(url)
        return real(body, url, *args)  # type: ignore[arg-type]

    monkeypatch.setattr("newsarchive.crawler.crawl.pipeline.extraction.extract_fields", counting)
    monkeypatch.setattr(importer, "extract_fields", counting)
    summary = run(archive, feb).to_dict()
    assert extracted == [A]  # only the page whose bytes are new
    assert (summary["unchanged"], summary["new_versions"]) == (2, 1)
    assert [(n, count) for n, _t, _f, count in history(archive, B)] == [(1, 3)]
    with archive.sessions() as session:
        outcomes = session.scalars(select(Capture.outcome).where(Capture.requested_url == B))
        assert sorted(outcomes) == ["new_article", "unchanged", "unchanged"]


def test_identical_bytes_older_than_the_version_go_through_the_extractor(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    later, earlier = tmp_path / "later.warc.gz", tmp_path / "earlier.warc.gz"
    write_warc(later, [Rec(B, FEB, story("Bridge repair"))])
    write_warc(earlier, [Rec(B, T0, story("Bridge repair"))])
    run(archive, later)
    extracted: list[str] = []
    real = importer_extract()

    def counting(body: bytes, url: str, *args: object) -> object:
        extracted.append(url)
        return real(body, url, *args)  # type: ignore[arg-type]

    monkeypatch.setattr("newsarchive.crawler.crawl.pipeline.extraction.extract_fields", counting)
    run(archive, earlier)
    assert extracted == [B]


def importer_extract():  # type: ignore[no-untyped-def]
    from newsarchive.crawler.crawl.pipeline import extraction

    return extraction.extract_fields
