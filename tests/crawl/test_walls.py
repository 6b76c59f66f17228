"""Walls and junk are not versions, end to end: capture and revisit against tests/site's /walls/.

The page /walls/sometimes.html is the article on some fetches and a
consent wall on others, as a site that shows its consent prompt to some
requests. However the fetches alternate, the archive keeps exactly one
version; each walled fetch is a capture with its kind, an event in the
article's history (CLI, API, web page), and never an edit in `changes`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article, Capture
from newsarchive.storage.research.read import events, find_article
from tests.conftest import IN_CI
from tests.crawl.conftest import FAST, run_cli, sources_toml, summary
from tests.site import NewsSite
from tests.site.walls import ARTICLE_TITLE

# capture takes Scrapy settings but not --no-throttle.
CAPTURE_FAST = FAST[1:]


def _capture(config: ArchiveConfig, *urls: str) -> list[dict]:
    done = run_cli(config, "capture", "--json", *urls, *CAPTURE_FAST)
    assert done.stdout.strip(), done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _revisit(config: ArchiveConfig) -> dict:
    with Archive(config) as archive, archive.sessions.begin() as session:
        session.execute(update(Article).values(next_check_at=datetime.now(UTC) - timedelta(seconds=1)))
    done = run_cli(config, "revisit", "--json", *FAST)
    assert done.returncode == 0, done.stderr[-3000:]
    return summary(done)["totals"]


def test_a_page_that_alternates_wall_and_article_keeps_one_version(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    url = news_site.url("/walls/sometimes.html?pattern=AW")
    [first] = _capture(archive_config, url)
    assert (first["outcome"], first["version"]) == ("new_article", 1)
    # Revisits: wall, article, wall.
    assert _revisit(archive_config).get("walled") == 1
    assert _revisit(archive_config).get("unchanged") == 1
    totals = _revisit(archive_config)
    assert totals.get("walled") == 1 and not totals.get("new_version")

    with Archive(archive_config) as archive, archive.sessions() as session:
        article = find_article(session, url)
        assert article.version_count == 1 and article.status == "live"
        rows = session.scalars(
            select(Capture).where(Capture.article_id == article.id).order_by(Capture.id)
        ).all()
        assert [(r.outcome, r.page_kind) for r in rows] == [
            ("new_article", None),
            ("walled", "consent_wall"),
            ("unchanged", None),
            ("walled", "consent_wall"),
        ]
        assert all(r.warc_file for r in rows)  # the walls' bytes are kept too
        assert [e.kind for e in events(session, article)] == ["walled", "walled"]
        article_id = article.id

    shown = json.loads(run_cli(archive_config, "show", url, "--json").stdout)
    assert (shown["title"], shown["version"]) == (ARTICLE_TITLE, 1)
    history = run_cli(archive_config, "history", url).stdout
    assert history.count("walled: consent_wall (HTTP 200)") == 2 and "1 version)" in history
    changes = run_cli(archive_config, "changes", "--headline-only", "--json")
    assert json.loads(changes.stdout) == []
    assert json.loads(run_cli(archive_config, "changes", "--json").stdout) == []

    if not IN_CI:  # the web side is an extra; under CI its absence fails here
        pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from newsarchive.crawler.web.app import create_app
    from newsarchive.crawler.web.config import WebSettings

    client = TestClient(create_app(archive_config, WebSettings()))
    api = client.get(f"/articles/{article_id}").json()
    assert [e["kind"] for e in api["events"]] == ["walled", "walled"]
    assert api["latest"]["title"] == ARTICLE_TITLE
    page = client.get(f"/web/articles/{article_id}").text
    assert page.count("walled (consent_wall (HTTP 200))") == 2


def test_a_first_capture_that_is_a_wall_archives_nothing_and_says_why(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    walls = {
        "/walls/paywall.html": "paywall",
        "/walls/bot-challenge.html": "bot_challenge",
        "/walls/soft-404.html": "soft_404",
        "/walls/login.html": "login_wall",
        "/walls/error.html": "error_page",
        "/walls/sometimes.html?pattern=WA": "consent_wall",
    }
    done = run_cli(archive_config, "capture", *(news_site.url(p) for p in walls), *CAPTURE_FAST)
    assert done.returncode == 1, done.stdout  # nothing was archived: the user is told
    assert done.stdout.count("walled") == len(walls) and "kept in the WARC" in done.stdout
    with Archive(archive_config) as archive, archive.sessions() as session:
        assert session.scalar(select(Article.id)) is None
        kinds = {
            r.requested_url: r.page_kind for r in session.scalars(select(Capture)) if r.outcome == "walled"
        }
        assert kinds == {news_site.url(p): k for p, k in walls.items()}
    # Fetched again, the page that walled its first fetch is archived.
    [again] = _capture(archive_config, news_site.url("/walls/sometimes.html?pattern=WA"))
    assert (again["outcome"], again["version"], again["title"]) == ("new_article", 1, ARTICLE_TITLE)


def test_a_crawl_fetches_again_a_url_whose_first_fetch_was_a_wall(
    news_site: NewsSite, sqlite_config: ArchiveConfig, write_sources
) -> None:
    page = news_site.url("/walls/sometimes.html?pattern=WA")
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Walls</title>'
        f"<link>{news_site.url('/')}</link><description>d</description>"
        f"<item><title>{ARTICLE_TITLE}</title><link>{page.replace('&', '&amp;')}</link></item>"
        "</channel></rss>"
    )
    news_site.set_route("/walls-feed.xml", feed, content_type="application/rss+xml")
    path = write_sources(sources_toml(news_site, feeds=[news_site.url("/walls-feed.xml")]))
    crawls = [run_cli(sqlite_config, "crawl", "--sources", str(path), "--json", *FAST) for _ in range(3)]
    assert all(c.returncode == 0 for c in crawls), crawls[-1].stderr[-3000:]
    totals = [summary(c)["totals"] for c in crawls]
    # The wall, then the article (the URL was not archived, so the feed queued it again), then nothing new.
    assert [(t["walled"], t["new_article"], t["fetched"]) for t in totals] == [
        (1, 0, 1),
        (0, 1, 1),
        (0, 0, 0),
    ]
    with Archive(sqlite_config) as archive, archive.sessions() as session:
        article = find_article(session, page)
        assert article.version_count == 1 and events(session, article) == []


def test_a_section_front_or_tag_page_captured_is_recorded_as_such_and_never_an_article(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    listings = {
        "/": "section_front",
        "/world/": "section_front",
        "/tag/economy/": "tag_page",
        f"/author/{news_site.articles[0].author_slug}/": "tag_page",
    }
    article = news_site.articles[0].path
    done = run_cli(
        archive_config, "capture", *(news_site.url(p) for p in [*listings, article]), *CAPTURE_FAST
    )
    assert done.returncode == 1, done.stderr[-3000:]  # some URLs were not archived: the user is told
    assert done.stdout.count("walled") == len(listings) and "a section front" in done.stdout
    with Archive(archive_config) as archive, archive.sessions() as session:
        # Only the article became an article; the listings are captures with their kind.
        assert [a.canonical_url for a in session.scalars(select(Article))] == [news_site.url(article)]
        kinds = {r.requested_url: r.page_kind for r in session.scalars(select(Capture))}
        assert kinds == {**{news_site.url(p): k for p, k in listings.items()}, news_site.url(article): None}
