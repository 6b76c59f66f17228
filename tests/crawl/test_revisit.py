"""`newsarchive revisit`: edits become versions, furniture does not, deletions become events, 304s count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.crawl_state.revisit_due import due_articles
from newsarchive.storage.models import Article, Capture, CrawlRun
from newsarchive.storage.research.read import events, find_article
from tests.crawl.conftest import FAST, run_cli, sources_toml, summary
from tests.site import NewsSite


def _make_all_due(archive: Archive) -> None:
    """Time passes: every article's next check is now in the past."""
    with archive.sessions.begin() as session:
        session.execute(update(Article).values(next_check_at=datetime.now(UTC) - timedelta(seconds=1)))


def test_revisits_find_edits_deletions_and_unchanged_pages(
    news_site: NewsSite, archive_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    path = write_sources(sources_toml(news_site, feeds=[news_site.url("/rss.xml")]))
    crawled = run_cli(archive_config, "crawl", "--sources", str(path), *FAST)
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    edited, furnished, deleted, moved, *untouched = news_site.articles
    assert untouched

    with Archive(archive_config) as archive:
        # Freshly archived articles are not due; nothing is fetched.
        assert due_articles(archive.sessions) == []
        idle = run_cli(archive_config, "revisit", "--json", *FAST)
        assert idle.returncode == 0 and summary(idle)["totals"]["fetched"] == 0

        news_site.edit_headline(edited.slug, "A corrected headline")
        news_site.edit_furniture(furnished.slug)
        news_site.delete(deleted.slug, 410)
        news_site.redirect(moved.path, "/")
        news_site.clear_requests()
        _make_all_due(archive)

        result = run_cli(archive_config, "revisit", "--json", *FAST)
        assert result.returncode == 0, result.stderr[-3000:]
        totals = summary(result)["totals"]
        assert totals["new_version"] == 1
        assert totals["unchanged"] == 1  # furniture only: a capture, no version
        assert totals["gone"] == 2
        assert totals["not_modified"] == len(untouched)

        # Conditional GET: the untouched pages were asked for with their ETag.
        for article in untouched:
            (request,) = [r for r in news_site.requests if r.path == article.path]
            assert {k.lower() for k in request.headers} >= {"if-none-match", "if-modified-since"}

        with archive.sessions() as session:
            article = find_article(session, edited.url)
            assert article.version_count == 2
            assert find_article(session, furnished.url).version_count == 1
            gone = find_article(session, deleted.url)
            assert gone.status == "gone" and [e.kind for e in events(session, gone)] == ["gone"]
            home = find_article(session, moved.url)
            assert home.status == "gone" and [e.kind for e in events(session, home)] == ["redirected_home"]
            assert all(find_article(session, a.url).version_count == 1 for a in untouched)
            # Nothing is deleted, and every check moved the next one into the future.
            assert session.scalar(select(Article).where(Article.next_check_at <= datetime.now(UTC))) is None
            vias = set(
                session.scalars(select(Capture.via).where(Capture.crawl_run_id == summary(result)["run_id"]))
            )
            assert vias == {"revisit"}
            run = session.get(CrawlRun, summary(result)["run_id"])
            assert run is not None and run.kind == "revisit" and run.status == "finished"


def test_revisit_limit_and_source_filter(
    news_site: NewsSite, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    path = write_sources(
        sources_toml(
            news_site, "mine", feeds=[news_site.url("/rss.xml")], revisit=[["1d", "1m"], ["400d", "1d"]]
        )
    )
    assert run_cli(sqlite_config, "crawl", "--sources", str(path), *FAST).returncode == 0
    with Archive(sqlite_config) as archive:
        with archive.sessions() as session:
            # The source's own schedule: first check a minute after the capture, not 15.
            first = session.scalars(select(Article)).first()
            assert first is not None and first.next_check_at is not None
            assert first.next_check_at - first.last_checked_at == timedelta(minutes=1)
        _make_all_due(archive)
        assert due_articles(archive.sessions, source="other") == []
        result = run_cli(sqlite_config, "revisit", "--source", "mine", "--limit", "2", "--json", *FAST)
        assert result.returncode == 0, result.stderr[-3000:]
        assert summary(result)["totals"]["fetched"] == 2
        assert len(due_articles(archive.sessions)) == len(news_site.articles) - 2


def test_revisit_urls_or_all_checks_now_even_when_not_due(
    news_site: NewsSite, sqlite_config: ArchiveConfig
) -> None:
    edited, other = news_site.articles[0], news_site.articles[1]
    captured = run_cli(sqlite_config, "capture", edited.url, other.url, *FAST[1:])
    assert captured.returncode == 0, captured.stderr[-3000:]
    news_site.edit_headline(edited.slug, "A headline corrected at once")
    with Archive(sqlite_config) as archive:
        assert due_articles(archive.sessions) == []  # just archived: the next check is minutes away

    unknown = run_cli(sqlite_config, "revisit", edited.url, "https://not.archived.example/x", *FAST)
    assert unknown.returncode == 2 and "https://not.archived.example/x: not in the archive" in unknown.stderr
    news_site.clear_requests()

    one = run_cli(sqlite_config, "revisit", "--json", edited.url, *FAST)
    assert one.returncode == 0, one.stderr[-3000:]
    assert summary(one)["totals"]["new_version"] == 1 and summary(one)["totals"]["fetched"] == 1
    assert news_site.request_count(edited.path) == 1 and news_site.request_count(other.path) == 0

    every = run_cli(sqlite_config, "revisit", "--json", "--all", *FAST)
    assert every.returncode == 0, every.stderr[-3000:]
    assert summary(every)["totals"]["fetched"] == 2
