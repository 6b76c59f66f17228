"""`export --format wacz`: a search's captures as a WACZ 1.1.1 package, checked by py-wacz and by the spec.

Captures come from the local site through the real capture command, on
SQLite and PostgreSQL. The `wacz` package's validator (py-wacz, a test
dependency) checks the datapackage, file list and hashes; the rest of the
format, which it does not look at, is checked here: members stored
uncompressed, the pages list, and an index whose every line finds its
record in the package's WARC, revisits with their originals.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from newsarchive.storage.config import ArchiveConfig
from tests.helpers import capture, cli_argv, newsarchive
from tests.site.server import NewsSite

MEMBERS = {
    "archive/data.warc.gz",
    "indexes/index.cdx",
    "pages/pages.jsonl",
    "datapackage.json",
    "datapackage-digest.json",
}


def _validate(path: Path) -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Validation succeeded" in checked.stdout


def _check_package(path: Path) -> tuple[list[dict], list[dict]]:
    """The spec's rules; returns (pages, index fields)."""
    with zipfile.ZipFile(path) as package:
        assert {info.filename for info in package.infolist()} == MEMBERS
        assert all(info.compress_type == zipfile.ZIP_STORED for info in package.infolist())
        data = {name: package.read(name) for name in MEMBERS}
    datapackage = json.loads(data["datapackage.json"])
    assert datapackage["profile"] == "data-package" and datapackage["wacz_version"] == "1.1.1"
    assert datapackage["created"].endswith("Z")
    listed = {r["path"]: r for r in datapackage["resources"]}
    assert set(listed) == MEMBERS - {"datapackage.json", "datapackage-digest.json"}
    for name, resource in listed.items():
        assert resource["hash"] == "sha256:" + hashlib.sha256(data[name]).hexdigest()
        assert resource["bytes"] == len(data[name])
    digest = json.loads(data["datapackage-digest.json"])
    assert digest == {
        "path": "datapackage.json",
        "hash": "sha256:" + hashlib.sha256(data["datapackage.json"]).hexdigest(),
    }

    header, *pages = [json.loads(line) for line in data["pages/pages.jsonl"].splitlines()]
    assert header["format"] == "json-pages-1.0"
    lines = data["indexes/index.cdx"].decode().splitlines()
    assert lines == sorted(lines)
    fields = [json.loads(line.split(" ", 2)[2]) for line in lines]
    warc = data["archive/data.warc.gz"]
    originals = {}
    for entry in fields:
        assert entry["filename"] == "data.warc.gz"
        start, length = int(entry["offset"]), int(entry["length"])
        (record,) = list(ArchiveIterator(io.BytesIO(warc[start : start + length])))
        assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]
        if record.rec_type == "response":
            originals[(entry["url"], entry["digest"])] = record.content_stream().read()
    for entry in fields:  # every revisit's payload is in the package
        if entry["mime"] == "warc/revisit":
            assert (entry["url"], entry["digest"]) in originals
    indexed = {(e["url"], e["mime"] != "warc/revisit") for e in fields}
    for page in pages:
        assert {"id", "url", "ts"} <= set(page)
        assert (page["url"], True) in indexed or (page["url"], False) in indexed
    return pages, fields


def test_a_search_exported_as_wacz_validates_and_holds_its_captures(
    news_site: NewsSite, archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    story, other = news_site.articles[0], news_site.articles[1]
    story_url, other_url = news_site.article_url(story.slug), news_site.article_url(other.slug)
    for url in (story_url, story_url, other_url):
        assert capture(archive_config, url).returncode == 0
    word = next(w for w in story.title.split() if len(w) > 4 and w.lower() not in other.title.lower())

    out = tmp_path / "story.wacz"
    done = newsarchive(archive_config, "export", word, "--all-versions", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "wrote 2 capture records" in done.stderr
    _validate(out)
    pages, fields = _check_package(out)
    assert [p["url"] for p in pages] == [story_url, story_url]
    assert story.title in pages[0]["title"]
    captured = {(f["url"], f["mime"]) for f in fields}
    assert (story_url, "warc/revisit") in captured and (story_url, "text/html") in captured
    assert other_url not in {f["url"] for f in fields}
    manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text())
    assert manifest["format"] == "wacz" and manifest["pages"] == 2
    assert manifest["files"][0]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


def test_a_wacz_to_stdout_validates(
    news_site: NewsSite, archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    """To a pipe: a ZIP written without seeking back (data descriptors) is still a valid package."""
    url = news_site.article_url(news_site.articles[0].slug)
    assert capture(archive_config, url).returncode == 0
    streamed = tmp_path / "streamed.wacz"
    with streamed.open("wb") as sink:
        run = subprocess.run(
            cli_argv(archive_config, "export", "--format", "wacz", "--out", "-"),
            stdout=sink,
            stderr=subprocess.PIPE,
        )
    assert run.returncode == 0, run.stderr
    _validate(streamed)
    pages, _fields = _check_package(streamed)
    assert [p["url"] for p in pages] == [url]


def test_captures_whose_records_are_gone_are_reported_and_left_out(
    news_site: NewsSite, archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    url = news_site.article_url(news_site.articles[0].slug)
    assert capture(archive_config, url).returncode == 0
    for path in archive_config.warc_dir.glob("*.warc.gz"):
        path.rename(path.with_suffix(".moved"))
    out = tmp_path / "gone.wacz"
    done = newsarchive(archive_config, "export", "--out", str(out))
    assert done.returncode == 0 and "1 capture record(s) missing" in done.stderr, done.stderr
    _validate(out)
    _pages, fields = _check_package(out)
    assert fields == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no scratch left
