"""Declared metadata: news-sitemap and feed fields reach the archive, `show --json`, search filters and exports."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.fetch import Fetch
from newsarchive.storage.models import ArticleEvent, DeclaredTerm
from newsarchive.storage.research.read import find_article, get_version
from newsarchive.storage.write.declared import declared_record
from tests.crawl.conftest import FAST, run_cli, summary
from tests.crawl.test_site_families import _toml
from tests.site import hosts as H
from tests.site.families import NEWS, PAPER
from tests.site.response import text
from tests.site.stories import rss
from tests.site.web import NewsWeb
from tests.storage.test_service import URL, content


def _json(result: object) -> object:
    assert result.returncode == 0, result.stderr[-2000:]  # type: ignore[attr-defined]
    return json.loads(result.stdout)  # type: ignore[attr-defined]


def test_declared_fields_are_kept_shown_searched_and_exported(
    news_web: NewsWeb, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path], tmp_path: Path
) -> None:
    path = write_sources(
        _toml(
            {
                "news": {"sitemaps": [news_web.url(H.NEWS_WWW, "/news-sitemap.xml")]},
                "paper": {"feeds": [news_web.url(H.PAPER_FEEDS, "/other-paper.xml")]},
            }
        )
    )
    crawled = run_cli(
        sqlite_config, "crawl", "--sources", str(path), "--json", *FAST, *news_web.resolver_args()
    )
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    assert summary(crawled)["failed_sources"] == []

    harbour = news_web.url(H.NEWS_WWW, NEWS[0].path)
    shown = _json(run_cli(sqlite_config, "show", harbour, "--json"))
    expected = {
        "via": "sitemap",
        "title": "Harbour bridge reopens after repairs",
        "published": NEWS[0].published.isoformat(),
        "publication": "Example News",
        "language": "en",
        "keywords": ["harbour", "transport"],
        "genres": ["PressRelease"],
    }
    assert shown["declared"] == expected
    assert shown["version_declared"] == expected
    german = _json(run_cli(sqlite_config, "show", news_web.url(H.PAPER_WWW, PAPER[1].path), "--json"))
    assert german["declared"]["sections"] == ["world", "Hafen"]
    assert german["declared"]["title"] == "Hafenbrücke wieder geöffnet"
    assert datetime.fromisoformat(german["declared"]["published"]) == PAPER[1].published.astimezone(UTC)

    def urls(*filters: str) -> set[str]:
        page = _json(run_cli(sqlite_config, "search", "--json", *filters))
        return {hit["url"] for hit in page["hits"]}

    assert urls("--keyword", "Harbour") == {harbour}  # any case, the whole keyword
    assert urls("--keyword", "harb") == set()
    assert urls("--section", "hafen") == {news_web.url(H.PAPER_WWW, PAPER[1].path)}
    assert len(urls("--section", "world")) == len(PAPER) + 1  # every feed entry, the wire story too
    assert urls("--section", "world", "--keyword", "harbour") == set()  # the filters combine

    out = tmp_path / "harbour.jsonl"
    assert (
        run_cli(
            sqlite_config, "export", "--keyword", "harbour", "--format", "jsonl", "--out", str(out)
        ).returncode
        == 0
    )
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["url"] == harbour and row["declared"] == expected
    out = tmp_path / "all.csv"
    assert run_cli(sqlite_config, "export", "--format", "csv", "--out", str(out)).returncode == 0
    rows = {r["url"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert json.loads(rows[harbour]["declared"]) == expected

    # The feed retitles an archived story: the next crawl does not fetch it
    # again (that is the revisit's job) but keeps the new title, as an event.
    ferry = news_web.url(H.PAPER_WWW, PAPER[0].path)
    paper = news_web.url(H.PAPER_WWW, "")
    retitled = [replace(PAPER[0], title="Ferry service resumes after storm"), *PAPER[1:]]
    feed = rss("The Other Paper", paper + "/", [(paper + s.path, s) for s in retitled])
    news_web.set_route(H.PAPER_FEEDS, "/other-paper.xml", text(feed, content_type="application/rss+xml"))
    again = run_cli(
        sqlite_config, "crawl", "--sources", str(path), "--json", *FAST, *news_web.resolver_args()
    )
    assert summary(again)["sources"]["paper"]["declared_changed"] == 1
    assert news_web.request_count(H.PAPER_WWW, PAPER[0].path) == 1
    shown = _json(run_cli(sqlite_config, "show", ferry, "--json"))
    assert shown["declared"]["title"] == "Ferry service resumes after storm"
    assert shown["version_declared"]["title"] == PAPER[0].title  # the version's own record stays
    history = run_cli(sqlite_config, "history", ferry)
    assert (
        "declared_changed: title: 'Ferry service resumes on island route' -> 'Ferry service resumes after storm'"
        in history.stdout
    )


def test_a_changed_declared_title_is_an_event_and_terms_accumulate(archive: Archive) -> None:
    first = declared_record({"via": "feed", "title": "Bridge to reopen", "categories": ["World"]})
    second = declared_record({"via": "feed", "title": "Bridge reopens", "categories": ["World", "Transport"]})
    assert first is not None and second is not None
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    # The page itself is the same three times: one version, whose record is the first.
    for n, record in enumerate((first, second, second)):
        when = t0 + timedelta(hours=n)
        fetch = Fetch(URL, when, final_url=URL, status_code=200, body_sha256=f"{n}" * 64, declared=record)
        archive.service.record_capture(fetch, content())
    with archive.sessions() as session:
        article = find_article(session, URL)
        assert article.declared == second
        assert get_version(session, article).declared == first
        events = list(session.scalars(select(ArticleEvent).where(ArticleEvent.kind == "declared_changed")))
        assert [e.detail for e in events] == [
            "title: 'Bridge to reopen' -> 'Bridge reopens'; sections: ['World'] -> ['World', 'Transport']"
        ]
        terms = {(k, t) for k, t in session.execute(select(DeclaredTerm.kind, DeclaredTerm.term))}
        assert terms == {("section", "world"), ("section", "transport")}
    assert declared_record({"via": "page"}) is None  # a section-page link declares nothing
