"""Lean WARC end to end: captures of the local site, re-fetched unchanged, are revisit records.

Through the real capture command, on SQLite and PostgreSQL: the re-fetch is a
revisit record that warcio reads, every reader resolves it to the page, the
WARC export carries its original, an import of that export reads it back,
and `warc index` indexes it as webrecorder's cdxj-indexer does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture
from newsarchive.storage.warc.check import warc_files
from newsarchive.storage.warc.store import WarcLocation, read_response
from tests.helpers import capture, newsarchive
from tests.site.server import NewsSite


def _captures(config: ArchiveConfig) -> list[Capture]:
    with Archive(config) as archive, archive.sessions() as session:
        return list(session.scalars(select(Capture).order_by(Capture.id)))


def _record_types(path: Path) -> list[tuple[str, str]]:
    with path.open("rb") as handle:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI") or "") for r in ArchiveIterator(handle)
        ]


def test_an_unchanged_recapture_is_a_revisit_that_every_reader_resolves(
    news_site: NewsSite, archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    url = news_site.article_url(news_site.articles[0].slug)
    for _ in range(3):
        done = capture(archive_config, url)
        assert done.returncode == 0, done.stderr
    captures = _captures(archive_config)
    assert [c.outcome for c in captures] == ["new_article", "unchanged", "unchanged"]
    warc_dir = archive_config.warc_dir

    kinds = [kind for path in warc_files(warc_dir) for kind, uri in _record_types(path) if uri == url]
    assert kinds.count("response") == 1 and kinds.count("revisit") == 2
    bodies = []
    for row in captures:
        assert row.warc_file and row.warc_offset is not None and row.warc_length is not None
        stored = read_response(warc_dir, WarcLocation(row.warc_file, row.warc_offset, row.warc_length))
        assert stored.status == 200 and stored.url == url
        bodies.append(stored.body)
    assert bodies[0] == bodies[1] == bodies[2] and news_site.articles[0].title.encode() in bodies[0]
    assert captures[2].warc_length < captures[0].warc_length / 2

    # WARC export: the revisits and, once, the original they stand for; warcio checks it.
    out = tmp_path / "story.warc.gz"
    exported = newsarchive(archive_config, "export", "--all-versions", "--format", "warc", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    kinds = [kind for kind, _uri in _record_types(out)]
    assert kinds.count("response") == 1 and kinds.count("revisit") == 2, kinds
    assert kinds.index("response") < kinds.index("revisit")  # the payload comes first
    checked = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(out)], capture_output=True)
    assert checked.returncode == 0, checked.stdout

    # Another archive imports that export: the revisits read as the page they recorded.
    other = ArchiveConfig(home=tmp_path / "other", db_url=f"sqlite:///{tmp_path / 'other.db'}")
    imported = newsarchive(other, "import", str(out), "--json")
    assert imported.returncode == 0, imported.stderr
    assert [c.outcome for c in _captures(other)] == ["new_article", "unchanged", "unchanged"]


def test_warc_index_matches_cdxj_indexer_and_is_incremental(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    first, second = (news_site.article_url(a.slug) for a in news_site.articles[:2])
    assert capture(archive_config, first).returncode == 0
    assert capture(archive_config, first).returncode == 0
    made = newsarchive(archive_config, "warc", "index")
    assert made.returncode == 0, made.stderr
    index = archive_config.home / "indexes" / "index.cdxj"
    before = index.read_text().splitlines()
    assert f"{len(before)} record(s) added" in made.stdout, made.stdout

    assert capture(archive_config, second).returncode == 0
    again = newsarchive(archive_config, "warc", "index")
    ours = index.read_text().splitlines()
    assert f"{len(ours) - len(before)} record(s) added" in again.stdout, again.stdout
    assert set(before) < set(ours) and ours == sorted(ours)
    idle = newsarchive(archive_config, "warc", "index")
    assert "0 read: 0 record(s) added" in idle.stdout and index.read_text().splitlines() == ours

    theirs = subprocess.run(
        [
            sys.executable,
            "-m",
            "cdxj_indexer.main",
            "--sort",
            *(p.name for p in warc_files(archive_config.warc_dir)),
        ],
        capture_output=True,
        text=True,
        cwd=archive_config.warc_dir,
    )
    assert theirs.returncode == 0, theirs.stderr
    assert ours == [line for line in theirs.stdout.splitlines() if line]
    fields = [json.loads(line.split(" ", 2)[2]) for line in ours]
    assert sorted(f["mime"] for f in fields if f["url"] == first) == ["text/html", "warc/revisit"]
    assert [f["mime"] for f in fields if f["url"] == second] == ["text/html"]
