"""Importing a lean WARC directory one file at a time: revisits find their originals beside them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from newsarchive.crawler.warcin.importer import Importer, ImportOptions
from newsarchive.storage.archive import Archive
from newsarchive.storage.models import Capture
from newsarchive.storage.warc.check import warc_files
from newsarchive.storage.warc.store import HttpExchange, WarcStore
from tests.warcin.warcs import T0, story

URL = "https://news.example.com/2026/budget.html"
# Long enough to be worth a revisit record (MIN_REVISIT_PAYLOAD).
LONG = "The council debated the budget for the coming year at length. " * 20


def _exchange(minutes: int) -> HttpExchange:
    return HttpExchange(
        url=URL,
        method="GET",
        request_headers=[],
        request_body=b"",
        status=200,
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=story("Budget vote", LONG),
        fetched_at=T0 + timedelta(minutes=minutes),
    )


def test_a_revisit_whose_original_is_in_another_file_of_its_directory_is_imported(
    archive: Archive, tmp_path: Path
) -> None:
    lean = tmp_path / "warc"
    with WarcStore(lean, max_file_size=1) as store:  # one file per record
        store.write(_exchange(0))
        store.write(_exchange(60))
    _first, second = warc_files(lean)
    with second.open("rb") as handle:
        assert [r.rec_type for r in ArchiveIterator(handle)] == ["warcinfo", "revisit", "request"]
    summary = Importer(archive, ImportOptions(workers=0)).run([second])  # the revisit's file alone
    assert summary.to_dict()["new_articles"] == 1, summary.to_dict()
    assert not summary.skipped
    with archive.sessions() as session:
        (row,) = session.execute(select(Capture.fetched_at, Capture.warc_file)).all()
    assert row.fetched_at == T0 + timedelta(minutes=60)  # the revisit's own time
    assert Path(row.warc_file).name == second.name
