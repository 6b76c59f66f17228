"""Batched writes (crawls): record_many and the archive writer keep record_*'s meaning, per capture."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from newsarchive.storage.archive import Archive
from newsarchive.storage.fetch import Fetch
from newsarchive.storage.research.read import counts, find_article, history
from newsarchive.storage.write.record_batch import Write
from tests.storage.test_service import FIELDS, T0, URL, content, fetch

OTHER = "https://news.example.com/2026/03/01/other.html"


def test_a_batch_means_what_the_single_calls_mean(archive: Archive) -> None:
    results = archive.service.record_many(
        [
            Write("capture", fetch(T0), content()),
            Write("capture", fetch(T0 + timedelta(minutes=1)), content()),  # same article, same text
            Write("capture", fetch(T0 + timedelta(minutes=2)), content(title="Budget approved")),
            Write("capture", fetch(T0, OTHER), content(canonical_url=OTHER)),
            Write("failure", _failed(fetch(T0, "https://news.example.com/missing.html", 404))),
        ]
    )
    outcomes = [(r.outcome, r.version) for r in results]  # type: ignore[union-attr]
    assert outcomes == [
        ("new_article", 1),
        ("unchanged", 1),
        ("new_version", 2),
        ("new_article", 1),
        ("failed", None),
    ]
    with archive.sessions() as session:
        assert counts(session) == {"articles": 2, "versions": 3, "captures": 5}
        assert [(e.version, e.captures) for e in history(session, find_article(session, URL))] == [
            (1, 2),
            (2, 1),
        ]


def test_one_bad_write_costs_only_itself(archive: Archive) -> None:
    first = archive.service.record_capture(fetch(T0), content())
    assert first.article_id is not None
    results = archive.service.record_many(
        [
            Write("same_body", fetch(T0 + timedelta(hours=1)), article_id=first.article_id),
            Write("same_body", fetch(T0 + timedelta(hours=1), OTHER), article_id=first.article_id + 999),
            Write("capture", fetch(T0, OTHER), content(canonical_url=OTHER)),
        ]
    )
    assert results[0].outcome == "unchanged"  # type: ignore[union-attr]
    assert isinstance(results[1], LookupError)  # returned in its place, not raised
    assert results[2].outcome == "new_article"  # type: ignore[union-attr]
    with archive.sessions() as session:
        assert counts(session) == {"articles": 2, "versions": 2, "captures": 3}


def test_the_writer_syncs_before_it_commits(archive: Archive) -> None:
    from newsarchive.crawler.crawl.pipeline.archive_writer import ArchiveWriter

    seen_at_sync: list[int] = []

    def before_commit() -> None:  # the WARC sync: nothing of this batch may be committed yet
        with archive.sessions() as session:
            seen_at_sync.append(counts(session)["captures"])

    writer = ArchiveWriter(archive.service, before_commit)

    async def record_all() -> list[str]:
        futures = [
            writer.write(
                Write("capture", fetch(T0 + timedelta(minutes=i)), content(text=f"{FIELDS['text']} {i}"))
            )
            for i in range(20)
        ]
        return [(await asyncio.wrap_future(f)).outcome for f in futures]

    outcomes = asyncio.run(record_all())
    writer.close()
    assert outcomes == ["new_article"] + ["new_version"] * 19
    assert writer.batches == len(seen_at_sync) >= 1
    with archive.sessions() as session:
        total = counts(session)["captures"]
    assert total == 20
    # Each sync saw only what earlier batches had committed, never this batch's rows.
    assert seen_at_sync == sorted(seen_at_sync) and seen_at_sync[0] == 0 and seen_at_sync[-1] < total


def _failed(f: Fetch) -> Fetch:
    f.error = "HTTP 404"
    return f
