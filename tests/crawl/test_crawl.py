"""`newsarchive crawl` end to end against the local news site (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from newsarchive.crawler.crawl.downloader.middlewares import retry_wait
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.crawl_state.frontier import Frontier, Queued
from newsarchive.storage.models import Article, Capture, CrawlRun, FrontierEntry, Version
from tests.crawl.conftest import FAST, ROOT, cli_argv, run_cli, sources_toml, summary
from tests.site import NewsSite

EXTRA_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
<item><link>{base}/private/secret.html</link></item>
<item><link>{base}/2026/01/01/not-there.html</link></item>
<item><link>{first}?utm_source=rss#top</link></item>
<item><link>{base}/tag/x/</link></item><item><link>{base}/author/y/</link></item><item><link>{base}/world/</link></item>
</channel></rss>"""


def test_crawl_discovers_dedupes_and_respects_robots(
    news_site: NewsSite, archive_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    articles = news_site.articles
    news_site.set_route(
        "/extra.xml",
        EXTRA_FEED.format(base=news_site.base_url, first=articles[0].url),
        content_type="application/rss+xml",
    )
    path = write_sources(
        sources_toml(
            news_site,
            feeds=[news_site.url(p) for p in ("/rss.xml", "/atom.xml", "/feed.json", "/extra.xml")],
            sitemaps=[news_site.url("/news-sitemap.xml")],
            pages=[news_site.url("/world/"), news_site.url("/business/")],
            robots_sitemaps=True,
        )
    )
    result = run_cli(archive_config, "crawl", "--sources", str(path), "--json", *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    report = summary(result)
    totals = report["totals"]
    assert totals["new_article"] == len(articles)
    assert totals["skipped"] == 1  # /private/ is disallowed by robots.txt
    assert totals["failed"] == 1  # the 404 listed in the extra feed
    assert news_site.request_count("/private/secret.html") == 0
    # One request per article however many feeds, sitemaps and pages list it.
    for article in articles:
        assert news_site.request_count(article.path) == 1, article.path
    assert news_site.request_count("/sitemap-index.xml") == 1  # from robots.txt's Sitemap: line
    # Tag, author and section pages are never archived, even when a feed lists them.
    assert not any(r.path.startswith(("/tag/", "/author/")) for r in news_site.requests)
    assert news_site.request_count("/world/") == 1  # as a section page to read, not as an article

    with Archive(archive_config) as archive, archive.sessions() as session:
        urls = set(session.scalars(select(Article.canonical_url)))
        assert urls == {a.url for a in articles}
        assert session.scalar(select(func.count()).select_from(Version)) == len(articles)
        run = session.get(CrawlRun, report["run_id"])
        assert run is not None and run.status == "finished" and run.kind == "crawl"
        assert run.stats["totals"]["new_article"] == len(articles)
        captures = list(session.scalars(select(Capture)))
        assert {c.crawl_run_id for c in captures} == {run.id}
        assert {(c.via, c.outcome) for c in captures} == {
            ("crawl", "new_article"),
            ("crawl", "skipped"),
            ("crawl", "failed"),
        }
        assert all(a.source == "local" for a in session.scalars(select(Article)))
        assert session.scalar(select(func.count()).select_from(FrontierEntry)) == 0

    # A second pass leaves archived articles to the revisit job.
    again = run_cli(archive_config, "crawl", "--sources", str(path), "--json", *FAST)
    assert again.returncode == 0, again.stderr[-3000:]
    assert summary(again)["totals"]["already_archived"] == len(articles)
    assert summary(again)["totals"]["new_article"] == 0
    # The robots-disallowed URL is not asked again within the week: no second "skipped" capture.
    assert summary(again)["sources"]["local"]["robots_skipped"] == 1
    assert summary(again)["totals"]["skipped"] == 0
    for article in articles:
        assert news_site.request_count(article.path) == 1


def test_a_source_that_fails_entirely_fails_the_run(
    news_site: NewsSite, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    path = write_sources(
        sources_toml(news_site, "good", feeds=[news_site.url("/atom.xml")])
        + sources_toml(news_site, "broken", feeds=[news_site.url("/no-feed-here.xml")])
    )
    result = run_cli(sqlite_config, "crawl", "--sources", str(path), *FAST)
    assert result.returncode == 1
    assert "source broken failed" in result.stderr
    assert f"new articles {len(news_site.articles)}" in result.stdout
    listing = run_cli(sqlite_config, "sources", "list", "--sources", str(path))
    assert listing.returncode == 0
    assert "good" in listing.stdout and "finished" in listing.stdout and "never crawled" not in listing.stdout


def test_crawl_forgets_queued_urls_of_removed_sources_when_asked(
    news_site: NewsSite, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    archive = Archive(sqlite_config)
    try:
        Frontier(archive.sessions).add([Queued(news_site.url("/gone/1.html"), "removed", "feed", {})])
    finally:
        archive.close()

    def queued_sources() -> set[str]:
        archive = Archive(sqlite_config)
        try:
            with archive.sessions() as session:
                return set(session.scalars(select(FrontierEntry.source)))
        finally:
            archive.close()

    path = write_sources(
        sources_toml(news_site, "local", feeds=[news_site.url("/atom.xml")])
        + sources_toml(news_site, "other", feeds=[news_site.url("/atom.xml")])
    )
    # Without being asked, a crawl leaves rows of sources it does not know
    # alone: the archive may be fed from another sources file too.
    plain = run_cli(sqlite_config, "crawl", "--sources", str(path), *FAST)
    assert plain.returncode == 0, plain.stderr[-3000:]
    assert "removed" in queued_sources()
    named = run_cli(sqlite_config, "crawl", "--sources", str(path), "--forget-removed", "other", *FAST)
    assert named.returncode == 0, named.stderr[-3000:]
    assert "dropped 1 queued URLs of sources no longer in the sources file" in named.stderr
    assert "removed" not in queued_sources()
    whole = run_cli(sqlite_config, "crawl", "--sources", str(path), "--forget-removed", *FAST)
    assert whole.returncode == 0 and "dropped" not in whole.stderr
    assert news_site.request_count("/gone/1.html") == 0


def test_forget_removed_is_refused_for_a_redis_worker(
    sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path], news_site: NewsSite
) -> None:
    # A Redis worker does not own the frontier table; silently ignoring the
    # flag would leave the user believing the queue was cleaned.
    path = write_sources(sources_toml(news_site, "local"))
    refused = run_cli(
        sqlite_config, "crawl", "--sources", str(path), "--forget-removed", "--redis", "redis://127.0.0.1:1/0"
    )
    assert refused.returncode == 2
    assert "--forget-removed works on this archive's own frontier, not with --redis" in refused.stderr
    assert news_site.request_count("/rss.xml") == 0


def test_a_redirect_to_an_article_fetched_this_run_leaves_the_frontier(
    news_site: NewsSite, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    # Scrapy drops the redirect's second request for the same article: no
    # capture comes for the alias, which must not wait in the frontier forever.
    target = news_site.articles[0]
    news_site.redirect("/alias/first.html", target.path)
    feed = "".join(
        f"<item><link>{news_site.base_url}{path}</link></item>" for path in (target.path, "/alias/first.html")
    )
    news_site.set_route(
        "/alias.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{feed}</channel></rss>',
        content_type="application/rss+xml",
    )
    path = write_sources(sources_toml(news_site, feeds=[news_site.url("/alias.xml")]))
    result = run_cli(sqlite_config, "crawl", "--sources", str(path), "--json", *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    assert news_site.request_count("/alias/first.html") == 1
    archive = Archive(sqlite_config)
    try:
        assert Frontier(archive.sessions).count() == 0
        with archive.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Article)) == 1
    finally:
        archive.close()


def test_bad_sources_file_and_unknown_source(
    sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    path = write_sources('[[source]]\nname = "x"\nfeeds = ["https://x.test/rss"]\nschedule = "every day"\n')
    result = run_cli(sqlite_config, "crawl", "--sources", str(path))
    assert result.returncode == 2
    assert f"{path}:4: schedule: bad cron expression" in result.stderr
    path = write_sources('[[source]]\nname = "x"\nfeeds = ["https://x.test/rss"]\n')
    result = run_cli(sqlite_config, "crawl", "--sources", str(path), "nope")
    assert result.returncode == 2 and "no source named 'nope'" in result.stderr


def test_retry_after_is_honoured(
    news_site: NewsSite, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    target = news_site.url("/fault/503-retry-after?fail=1&retry_after=1")
    feed = f'<rss version="2.0"><channel><item><link>{target}</link></item></channel></rss>'
    news_site.set_route("/retry.xml", feed, content_type="application/rss+xml")
    path = write_sources(sources_toml(news_site, feeds=[news_site.url("/retry.xml")]))
    started = time.monotonic()
    result = run_cli(
        sqlite_config, "crawl", "--sources", str(path), "--json", *FAST, "-s", "NEWSARCHIVE_RETRY_MAX_WAIT=5"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert summary(result)["totals"]["new_article"] == 1
    assert news_site.request_count("/fault/503-retry-after?fail=1&retry_after=1") == 2
    assert time.monotonic() - started >= 1.0  # waited as asked before the retry


def test_retry_wait_rules() -> None:
    assert retry_wait("7", attempt=1, base=1, cap=60) == 7
    assert retry_wait("7000", attempt=1, base=1, cap=60) == 60
    assert retry_wait(None, attempt=3, base=1, cap=60) == 4
    assert retry_wait("Wed, 21 Oct 2015 07:28:00 GMT", attempt=1, base=1, cap=60) == 0  # in the past
    assert retry_wait("soon", attempt=1, base=2, cap=60) == 2


GEN_COUNT = 40
WINDOW = 4
# One request at a time, 0.1 s apart: slow enough to stop halfway. In-process
# extraction: no worker pool to start for a test this size.
SLOW = [
    "-s",
    "DOWNLOAD_DELAY=0.1",
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    "-s",
    "NEWSARCHIVE_EXTRACT_WORKERS=0",
]


def _gen_feed(site: NewsSite) -> None:
    items = "".join(f"<item><link>{site.url(f'/gen/{n}.html')}</link></item>" for n in range(GEN_COUNT))
    site.set_route(
        "/gen.xml", f'<rss version="2.0"><channel>{items}</channel></rss>', content_type="application/rss+xml"
    )


def _count(archive: Archive, model: type) -> int:
    with archive.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_killed_crawl_resumes_without_refetching(
    news_site: NewsSite, archive_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    _gen_feed(news_site)
    path = write_sources(sources_toml(news_site, feeds=[news_site.url("/gen.xml")]))
    slow = [
        "-s",
        "DOWNLOAD_DELAY=0.1",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        # At most WINDOW URLs out at once: however slow extraction is on a loaded
        # machine, the kill lands with most of the pass still unfetched.
        "-s",
        f"NEWSARCHIVE_FRONTIER_WINDOW={WINDOW}",
    ]
    archive = Archive(archive_config)
    try:
        child = subprocess.Popen(
            cli_argv(archive_config, "crawl", "--sources", str(path), *slow),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while _count(archive, Article) < 5 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        first_pass = _count(archive, Article)
        assert 5 <= first_pass <= 5 + 2 * WINDOW
        with archive.sessions() as session:
            archived_paths = {
                u.split(news_site.base_url, 1)[1] for u in session.scalars(select(Article.canonical_url))
            }
            (killed,) = session.scalars(select(CrawlRun)).all()
            assert killed.status == "running"
        # Recorded fetches leave the frontier in batches: some may linger after a kill.
        assert GEN_COUNT - first_pass <= _count(archive, FrontierEntry) <= GEN_COUNT

        result = run_cli(archive_config, "crawl", "--sources", str(path), "--json", *FAST)
        assert result.returncode == 0, result.stderr[-3000:]
        report = summary(result)
        assert report["totals"]["resumed"] == GEN_COUNT - first_pass
        assert report["totals"]["new_article"] == GEN_COUNT - first_pass
        assert _count(archive, Article) == GEN_COUNT
        assert _count(archive, Version) == GEN_COUNT  # no duplicated versions
        assert _count(archive, FrontierEntry) == 0
        for archived in archived_paths:  # what the killed run archived is never fetched again
            assert news_site.request_count(archived) == 1, archived
        with archive.sessions() as session:
            statuses = dict(session.execute(select(CrawlRun.id, CrawlRun.status)).all())
        assert statuses == {killed.id: "interrupted", report["run_id"]: "finished"}
    finally:
        archive.close()


def test_ctrl_c_stops_gracefully_and_the_next_run_finishes(
    news_site: NewsSite, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    _gen_feed(news_site)
    path = write_sources(sources_toml(news_site, feeds=[news_site.url("/gen.xml")]))
    slow = [
        "-s",
        "DOWNLOAD_DELAY=0.2",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        # At most WINDOW URLs out at once: however slow extraction is on a loaded
        # machine, the kill lands with most of the pass still unfetched.
        "-s",
        f"NEWSARCHIVE_FRONTIER_WINDOW={WINDOW}",
    ]
    archive = Archive(sqlite_config)
    try:
        child = subprocess.Popen(
            cli_argv(sqlite_config, "crawl", "--sources", str(path), "--json", *slow),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while _count(archive, Article) < 3 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
        assert child.returncode == 130, err[-3000:]
        stopped = summary(subprocess.CompletedProcess([], 130, out, err))
        assert stopped["status"] == "interrupted"
        assert _count(archive, FrontierEntry) == GEN_COUNT - _count(archive, Article) > 0  # flushed on close
        result = run_cli(sqlite_config, "crawl", "--sources", str(path), "--json", *FAST)
        assert result.returncode == 0
        assert _count(archive, Article) == _count(archive, Version) == GEN_COUNT
    finally:
        archive.close()


def test_frontier_knows_urls_archived_under_another_canonical(archive: Archive) -> None:
    frontier = Frontier(archive.sessions)
    listed, declared = "https://ex.org/story?id=1", "https://ex.org/2026/01/02/the-story.html"
    with archive.sessions.begin() as session:
        article = Article(canonical_url=declared, domain="ex.org", first_seen_at=datetime.now(UTC))
        session.add(article)
        session.flush()
        session.add(Capture(requested_url=listed, article_id=article.id, outcome="new_article", via="crawl"))
    assert frontier.archived([listed, declared, "https://ex.org/other"]) == {listed, declared}
    assert (
        frontier.add([Queued("https://ex.org/a", "s", "feed"), Queued("https://ex.org/a", "s", "page")]) == 1
    )
    assert frontier.add([Queued("https://ex.org/a", "s", "feed")]) == 0
    assert [q.url for q in frontier.pending("s")] == ["https://ex.org/a"]
    frontier.done(["https://ex.org/a"])
    assert frontier.pending("s") == []
