"""Hostile documents and files: sitemap indexes that fan out, sources files without end, framing.

Each is bounded (a count, a depth, a size) or refused with one clear line,
never a traceback, never a crawl that runs away.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from newsarchive.storage.config import ArchiveConfig
from tests.helpers import FAST, newsarchive
from tests.site.server import NewsSite

SITEMAP_GROUP = "Hostile sitemap indexes (newsarchive crawl)"
SOURCES_GROUP = "Bad input: sources files"
HEADERS_GROUP = "Web app response headers"
CRAWL = ("--no-throttle", *FAST, "-s", "NEWSARCHIVE_EXTRACT_WORKERS=0")
INDEX = (
    '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</sitemapindex>'
)
URLSET = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'
FANOUT = 6  # children per index, three levels below the root: 6 + 36 + 216 documents


@pytest.fixture
def config(tmp_path: Path) -> ArchiveConfig:
    """SQLite only: the subject is discovery and input handling, not the database."""
    return ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")


def _index(site: NewsSite, children: list[str]) -> str:
    return INDEX.format("".join(f"<sitemap><loc>{site.url(c)}</loc></sitemap>" for c in children))


def _nested_indexes(site: NewsSite) -> list[str]:
    """/idx.xml with FANOUT children, each with FANOUT, each with FANOUT urlsets; all paths."""
    paths = ["/idx.xml"]
    level = ["/idx"]
    for _depth in range(3):
        below = []
        for parent in level:
            children = [f"{parent}-{i}" for i in range(FANOUT)]
            site.set_route(f"{parent}.xml", _index(site, [f"{c}.xml" for c in children]))
            below += children
        level = below
        paths += [f"{c}.xml" for c in below]
    for leaf in level:
        site.set_route(f"{leaf}.xml", URLSET.format(f"<url><loc>{site.url('/gen/7100.html')}</loc></url>"))
    return paths


def _crawl(config: ArchiveConfig, tmp_path: Path, sitemap: str, *extra: str) -> dict[str, int]:
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "maps"\nsitemaps = ["{sitemap}"]\n')
    done = newsarchive(config, "crawl", "--sources", str(sources), "--json", *CRAWL, *extra)
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout.splitlines()[-1])["sources"]["maps"]


def test_nested_sitemap_indexes_are_bounded_in_depth_and_count(
    case, news_site: NewsSite, config: ArchiveConfig, tmp_path: Path
) -> None:
    depth = case(
        SITEMAP_GROUP,
        "index nested three levels deep, 6 children each (259 documents)",
        "children followed 2 levels down (NEWSARCHIVE_SITEMAP_MAX_DEPTH), the rest counted, never fetched",
        before="all 259 documents fetched in 3 s",
    )
    count = case(
        SITEMAP_GROUP,
        "the same index with NEWSARCHIVE_SITEMAP_MAX_DOCUMENTS=10",
        "10 child sitemaps fetched, the others counted as over the limit",
        before="no limit on the number of child sitemaps",
    )
    paths = _nested_indexes(news_site)
    news_site.clear_requests()
    counts = _crawl(config, tmp_path, news_site.url("/idx.xml"))
    fetched = [p for p in paths if news_site.request_count(p)]
    assert len(fetched) == 1 + FANOUT + FANOUT**2, fetched  # the root and two levels of children
    assert counts.get("sitemaps_too_deep") == FANOUT**3, counts
    depth.observed = (
        f"{len(fetched)} of {len(paths)} documents fetched; {counts['sitemaps_too_deep']} too deep"
    )

    news_site.clear_requests()
    limited = _crawl(
        config, tmp_path, news_site.url("/idx.xml"), "-s", "NEWSARCHIVE_SITEMAP_MAX_DOCUMENTS=10"
    )
    fetched = [p for p in paths if news_site.request_count(p)]
    assert len(fetched) == 1 + 10, fetched
    assert limited.get("sitemaps_over_limit") == FANOUT**2 - (10 - FANOUT), limited
    count.observed = f"{len(fetched)} documents fetched; {limited['sitemaps_over_limit']} over the limit"


def test_a_child_sitemap_on_another_host_is_never_fetched(
    case, news_site: NewsSite, config: ArchiveConfig, tmp_path: Path
) -> None:
    entry = case(
        SITEMAP_GROUP,
        "index listing a sitemap on another host",
        "never fetched (docs/reliability.md), counted as sitemaps_offsite",
        before="fetched",
    )
    # Another host name for the same server: were it fetched, the site would see it.
    foreign = news_site.url("/foreign-sitemap.xml").replace("//127.0.0.1:", "//localhost:")
    news_site.set_route("/foreign-sitemap.xml", URLSET.format(""))
    news_site.set_route(
        "/own-sitemap.xml", URLSET.format(f"<url><loc>{news_site.url('/gen/7200.html')}</loc></url>")
    )
    index = INDEX.format(
        f"<sitemap><loc>{foreign}</loc></sitemap><sitemap><loc>{news_site.url('/own-sitemap.xml')}</loc></sitemap>"
    )
    news_site.set_route("/mixed-index.xml", index)
    news_site.clear_requests()
    # localhost allowed too, so that only the host rule (not the address guard) can stop the fetch.
    counts = _crawl(
        config,
        tmp_path,
        news_site.url("/mixed-index.xml"),
        "-s",
        "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=127.0.0.1,localhost",
    )
    assert news_site.request_count("/foreign-sitemap.xml") == 0
    assert news_site.request_count("/own-sitemap.xml") == 1
    assert counts.get("sitemaps_offsite") == 1 and counts.get("new_article") == 1, counts
    entry.observed = "0 requests to the other host; sitemaps_offsite 1; the own child followed"


SOURCES_CASES = {
    "/dev/zero": ("a device that never ends", "not a regular file"),
    "fifo": ("a named pipe nobody writes to", "not a regular file"),
    "big": ("a file over the size limit (1 MiB + 1 byte)", "larger than 1,048,576 bytes"),
    "deep": ("an array nested 100,000 deep", "nested too deeply"),
}


@pytest.mark.parametrize("kind", list(SOURCES_CASES))
def test_sources_files_are_read_within_limits(case, config: ArchiveConfig, tmp_path: Path, kind: str) -> None:
    name, message = SOURCES_CASES[kind]
    before = {
        "/dev/zero": "grew to 23 GB until the kernel killed it",
        "fifo": "waited for a writer forever",
        "big": "read whole (a 25 MB file took 92 s)",
        "deep": "RecursionError traceback",
    }[kind]
    entry = case(SOURCES_GROUP, f"sources check: {name}", "refused with one line, at once", before=before)
    if kind == "/dev/zero":
        path = Path("/dev/zero")
    elif kind == "fifo":
        path = tmp_path / "sources.toml"
        os.mkfifo(path)
    elif kind == "big":
        path = tmp_path / "sources.toml"
        path.write_text("#" * (1024 * 1024) + "\n")
    else:
        path = tmp_path / "sources.toml"
        path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    started = time.monotonic()
    done = newsarchive(config, "sources", "check", "--sources", str(path), timeout=60)
    elapsed = time.monotonic() - started
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and message in errors[0], errors
    entry.observed = f"exit {done.returncode} in {elapsed:.1f} s: {errors[0].replace(str(tmp_path), '…')}"


def test_every_web_response_says_nosniff_and_no_framing(case, config: ArchiveConfig) -> None:
    pytest.importorskip("fastapi", reason="the web side needs the api extra")
    from fastapi.testclient import TestClient

    from newsarchive.crawler.web.app import create_app

    paths = [
        "/docs",
        "/redoc",
        "/openapi.json",
        "/articles",
        "/articles/999999",
        "/no/such/page",
        "/",
        "/static/style.css",
    ]
    entries = {
        path: case(
            HEADERS_GROUP,
            f"GET {path}",
            "X-Content-Type-Options: nosniff; frame-ancestors 'none' and X-Frame-Options: DENY",
            before="no nosniff and no frame-ancestors on /docs, /redoc and JSON answers",
        )
        for path in paths
    }
    with TestClient(create_app(config)) as client:
        for path, entry in entries.items():
            response = client.get(path)
            assert response.status_code < 500, (path, response.status_code)
            assert response.headers.get("x-content-type-options") == "nosniff", (path, response.headers)
            assert "frame-ancestors 'none'" in response.headers.get("content-security-policy", ""), path
            assert response.headers.get("x-frame-options") == "DENY", path
            entry.observed = f"{response.status_code}: nosniff, frame-ancestors 'none', X-Frame-Options DENY"
