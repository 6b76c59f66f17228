"""Optional: pywb replays the archive's own WARC directory through `warc index`, and a WACZ export.

pywb cannot be installed beside newsarchive (it pins redis 2.10, the `redis`
extra needs 5 or later), so it is not a test dependency. Point
NEWSARCHIVE_TEST_WAYBACK at the `wayback` command of a separate environment
(`python -m venv /opt/pywb && /opt/pywb/bin/pip install pywb`) to run this
test; without it the test skips, CI included.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture
from tests.helpers import capture, newsarchive
from tests.site.server import NewsSite

WAYBACK = os.environ.get("NEWSARCHIVE_TEST_WAYBACK", "")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (our own local pywb)
        return answer.status, dict(answer.headers), answer.read()


@pytest.mark.skipif(not WAYBACK, reason="set NEWSARCHIVE_TEST_WAYBACK to a pywb `wayback` command")
def test_pywb_replays_a_capture_and_its_revisit_from_our_index(news_site: NewsSite, tmp_path: Path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    url = news_site.article_url(news_site.articles[0].slug)
    assert capture(config, url).returncode == 0
    time.sleep(1.1)  # a second apart: two distinct 14-digit timestamps
    assert capture(config, url).returncode == 0
    collection = tmp_path / "pywb" / "collections" / "news"
    (collection / "indexes").mkdir(parents=True)
    (collection / "archive").symlink_to(config.warc_dir)
    indexed = newsarchive(config, "warc", "index", "--out", str(collection / "indexes" / "index.cdxj"))
    assert indexed.returncode == 0, indexed.stderr
    with Archive(config) as archive, archive.sessions() as session:
        rows = list(session.scalars(select(Capture).order_by(Capture.id)))
    times = [row.fetched_at for row in rows]
    kinds = []
    for row in rows:
        assert row.warc_file is not None and row.warc_offset is not None
        with (config.warc_dir / row.warc_file).open("rb") as handle:
            handle.seek(row.warc_offset)
            kinds.append(next(iter(ArchiveIterator(handle))).rec_type)
    assert kinds == ["response", "revisit"]

    bodies = _replay(collection.parent.parent, "news", url, times)
    # The second capture is a revisit record: pywb gives it the original's payload.
    assert bodies[0] == bodies[1] and news_site.articles[0].title.encode() in bodies[0]


@pytest.mark.skipif(not WAYBACK, reason="set NEWSARCHIVE_TEST_WAYBACK to a pywb `wayback` command")
def test_pywb_replays_a_wacz_export(news_site: NewsSite, tmp_path: Path) -> None:
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    url = news_site.article_url(news_site.articles[0].slug)
    assert capture(config, url).returncode == 0
    time.sleep(1.1)
    assert capture(config, url).returncode == 0
    package = tmp_path / "story.wacz"
    assert newsarchive(config, "export", "--out", str(package)).returncode == 0
    root = tmp_path / "pywb"
    root.mkdir()
    manager = str(Path(WAYBACK).with_name("wb-manager"))
    for step in (["init", "pkg"], ["add", "--unpack-wacz", "pkg", str(package)]):
        done = subprocess.run([manager, *step], cwd=root, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    with Archive(config) as archive, archive.sessions() as session:
        times = [row.fetched_at for row in session.scalars(select(Capture).order_by(Capture.id))]
    bodies = _replay(root, "pkg", url, times)
    assert bodies[0] == bodies[1] and news_site.articles[0].title.encode() in bodies[0]


def _replay(root: Path, collection: str, url: str, times: list[datetime]) -> list[bytes]:
    """Each capture's payload as pywb serves it (id_: unrewritten), its Memento-Datetime checked."""
    port = _free_port()
    server = subprocess.Popen(
        [WAYBACK, "-p", str(port)], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "pywb did not start"
                time.sleep(0.2)
        bodies = []
        for moment in times:
            stamp = moment.strftime("%Y%m%d%H%M%S")
            status, headers, body = _get(f"http://127.0.0.1:{port}/{collection}/{stamp}id_/{url}")
            assert status == 200
            assert headers["Memento-Datetime"] == moment.strftime("%a, %d %b %Y %H:%M:%S GMT")
            bodies.append(body)
        return bodies
    finally:
        server.terminate()
        server.wait(10)
