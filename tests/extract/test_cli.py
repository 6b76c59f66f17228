"""`newsarchive extract` through click's CliRunner: files, .gz, manifests, bad input."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest
from click.testing import CliRunner

from newsarchive.crawler.cli import main
from tests.extract.conftest import FIXTURES

KEYS = {
    "id", "url", "title", "text", "authors", "published", "modified", "language", "detected_language",
    "sitename", "description", "captions", "images", "flags", "canonical_url", "kind",
}  # fmt: skip


@pytest.fixture
def pages(tmp_path):
    plain = tmp_path / "blinken.html"
    shutil.copy(FIXTURES / "blinken-beijing.html", plain)
    zipped = tmp_path / "blinken.html.gz"
    zipped.write_bytes(gzip.compress(plain.read_bytes()))
    return plain, zipped


def run(args):
    result = CliRunner().invoke(main, ["extract", *args])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result, lines


def test_files_and_gzip(pages):
    plain, zipped = pages
    result, lines = run([str(plain), str(zipped), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in lines] == [str(plain), str(zipped)]
    assert set(lines[0]) == KEYS
    assert lines[0]["title"] == "We will continue to use diplomacy to cooperate with Beijing"
    assert lines[0]["captions"][0] == {
        "caption": "From Blinken’s meeting with Xi Jinping",
        "credit": "Reuters",
        # No --url: links resolve against the page's canonical URL.
        "src": "https://news.example.org/wp-content/uploads/2023/06/blinken-xi.jpg",
        "alt": "Blinken and Xi shake hands",
    }
    assert lines[0]["text"] == lines[1]["text"]


def test_url_option_resolves_links(pages):
    plain, _ = pages
    result, [line] = run(
        [str(plain), "--url", "https://news.example.org/x", "--fetched-at", "2023-06-20T00:00:00Z"]
    )
    assert result.exit_code == 0
    assert line["url"] == "https://news.example.org/x"
    assert line["captions"][0]["src"] == "https://news.example.org/wp-content/uploads/2023/06/blinken-xi.jpg"


def test_manifest_keeps_order_and_reports_bad_lines(pages, tmp_path):
    plain, zipped = pages
    manifest = tmp_path / "m.jsonl"
    rows = [
        {"id": "a", "path": str(zipped), "url": "https://news.example.org/a"},
        {"id": "missing", "path": str(tmp_path / "nope.html")},
        {"id": "b", "path": "blinken.html", "url": "https://news.example.org/b"},  # relative to the manifest
    ]
    manifest.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result, lines = run(["--manifest", str(manifest), "--jobs", "2"])
    assert result.exit_code == 1
    assert [r["id"] for r in lines] == ["a", "missing", "b"]
    assert "error" in lines[1] and "no such file" in lines[1]["error"]
    assert lines[0]["url"] == "https://news.example.org/a"
    assert lines[2]["title"] == lines[0]["title"]


def test_bad_file_gives_error_line_not_traceback(tmp_path, pages):
    plain, _ = pages
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"this is not gzip")
    result, lines = run([str(broken), str(plain), str(tmp_path), "--jobs", "1"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "error" in lines[0] and "error" not in lines[1] and "error" in lines[2]


def test_unreachable_url_gives_error_line():
    # Port 9 on localhost: connection refused at once, no internet needed.
    result, [line] = run(["http://127.0.0.1:9/story", "--jobs", "1"])
    assert result.exit_code == 1
    assert line["id"] == "http://127.0.0.1:9/story" and "error" in line


def test_usage_errors():
    assert CliRunner().invoke(main, ["extract"]).exit_code == 2
    assert CliRunner().invoke(main, ["extract", "a.html", "--fetched-at", "someday"]).exit_code == 2
