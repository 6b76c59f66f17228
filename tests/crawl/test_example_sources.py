"""The README's example sources, crawled as written against the same host layout on the local news web."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from newsarchive.crawler.crawl.sources import load_sources
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article
from tests.crawl.conftest import FAST, ROOT, run_cli, summary
from tests.site.families import EXAMPLE_FEEDS
from tests.site.web import NewsWeb

EXAMPLE = ROOT / "docs" / "sources.example.toml"


def test_every_readme_example_source_archives(
    news_web: NewsWeb, sqlite_config: ArchiveConfig, tmp_path: Path
) -> None:
    # Only scheme and port change: hosts, paths, deny patterns and limits are the file's own.
    text = re.sub(r"https://([a-z0-9.-]+)/", lambda m: news_web.url(m.group(1), "/"), EXAMPLE.read_text())
    local = tmp_path / "sources.toml"
    local.write_text(text)
    sources = load_sources(local)
    assert {s.name for s in sources} == set(EXAMPLE_FEEDS), "the example file and the local web disagree"

    result = run_cli(
        sqlite_config, "crawl", "--sources", str(local), "--json", *FAST, *news_web.resolver_args()
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = summary(result)
    assert report["failed_sources"] == []
    expected = set()
    for name, (_feed_host, _feed_path, art_host, paths, denied) in EXAMPLE_FEEDS.items():
        assert report["sources"][name]["new_article"] == len(paths), name
        expected |= {news_web.url(art_host, p) for p in paths}
        for path in denied:  # the file's deny patterns (/live/, /videos/, /gallery/) still apply
            assert news_web.request_count(art_host, path) == 0, path
    with Archive(sqlite_config) as archive, archive.sessions() as session:
        assert set(session.scalars(select(Article.canonical_url))) == expected
