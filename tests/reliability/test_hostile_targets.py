"""Hostile redirects: a public page sending a capture or a crawl into the network it runs in.

Every target here is refused before any connection is made (the guard
answers from the address alone), so no test ever reaches a metadata service
or a private network. Should the guard fail, the fetch would try to connect:
DOWNLOAD_TIMEOUT and no retries keep such a failure short.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.settings import Settings
from sqlalchemy import select

from newsarchive.crawler.web.capture import CaptureService
from newsarchive.crawler.web.config import WebSettings
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture
from tests.helpers import FAST, capture_json, newsarchive
from tests.site.server import NewsSite

GROUP = "Hostile redirects (address guard)"
# A guard that failed would connect: keep that short, and try once.
BOUNDED = ("-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_ENABLED=False")
CRAWL = ("--no-throttle", *FAST, "-s", "NEWSARCHIVE_EXTRACT_WORKERS=0", *BOUNDED)

METADATA_TARGETS = {
    "169.254.169.254 (AWS, GCP, Azure)": "http://169.254.169.254/latest/meta-data/iam/",
    "fd00:ec2::254 (AWS IPv6)": "http://[fd00:ec2::254]/latest/meta-data/",
    "metadata.google.internal": "http://metadata.google.internal/computeMetadata/v1/",
    "100.100.100.200 (Alibaba)": "http://100.100.100.200/latest/meta-data/",
    "::ffff:169.254.169.254 (mapped)": "http://[::ffff:169.254.169.254]/latest/",
    "169.254.10.10 (link-local)": "http://169.254.10.10/",
    "fe80::1 (link-local IPv6)": "http://[fe80::1]/",
}


@pytest.fixture
def config(tmp_path: Path) -> ArchiveConfig:
    """SQLite only: the subject is the fetch, not the database."""
    return ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")


def meta_refresh(target: str) -> str:
    return (
        f'<html><head><meta http-equiv="refresh" content="0; url={target}">'
        "<title>Moved</title></head><body><p>Moved.</p></body></html>"
    )


def api_allow_private_settings(config: ArchiveConfig) -> tuple[str, ...]:
    """The address-guard -s option the API gives a capture when the server runs with --allow-private."""
    argv = CaptureService(config, WebSettings(allow_private=True)).command("https://x.example/").argv
    # The last option before the URL; the others are the capture's deadlines.
    return tuple(argv[-3:-1])


def test_allow_private_captures_never_follow_a_redirect_to_metadata(
    case, news_site: NewsSite, config: ArchiveConfig
) -> None:
    entries = {}
    urls = []
    for n, (name, target) in enumerate(METADATA_TARGETS.items()):
        for kind in ("HTTP 302", "meta refresh"):
            path = f"/gen/{8100 + 2 * n + (kind == 'meta refresh')}.html"
            if kind == "HTTP 302":
                news_site.redirect(path, target, status=302)
            else:
                news_site.set_route(path, meta_refresh(target))
            entries[news_site.url(path)] = case(
                GROUP,
                f"capture with --allow-private, {kind} to {name}",
                "refused before connecting; nothing archived",
                before="fetched and archived (the guard was off with --allow-private)",
            )
            urls.append(news_site.url(path))
    settings = api_allow_private_settings(config)
    assert settings == ("-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=*")
    results = {r["url"]: r for r in capture_json(config, *urls, extra=(*settings, *BOUNDED))}
    for url, entry in entries.items():
        result = results[url]
        assert result["outcome"] == "failed", result
        assert result["reason"].startswith("refused: "), result
        assert "metadata" in result["reason"] or "link-local" in result["reason"], result
        entry.observed = result["reason"]
    # The same setting still lets the capture reach the private test site itself.
    [allowed] = capture_json(config, news_site.url("/gen/8199.html"), extra=settings)
    assert allowed["outcome"] == "new_article", allowed


def _feed(site: NewsSite, paths: list[str]) -> str:
    items = "".join(f"<item><title>t</title><link>{site.url(p)}</link></item>" for p in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'


def _captures(config: ArchiveConfig) -> dict[str, Capture]:
    with Archive(config) as archive, archive.sessions() as session:
        return {c.requested_url: c for c in session.scalars(select(Capture))}


def test_crawls_refuse_redirects_into_private_loopback_and_metadata(
    case, news_site: NewsSite, config: ArchiveConfig, tmp_path: Path
) -> None:
    port = news_site.url("/").split(":")[2].split("/")[0]
    targets = {
        "HTTP 302 to a private address (10.255.255.1)": ("302", "http://10.255.255.1/2026/story.html"),
        "HTTP 302 to another loopback address (127.0.0.2)": ("302", f"http://127.0.0.2:{port}/gen/9202.html"),
        "meta refresh to 127.0.0.2": ("refresh", f"http://127.0.0.2:{port}/gen/9203.html"),
        "HTTP 302 to 169.254.169.254": ("302", "http://169.254.169.254/latest/meta-data/"),
    }
    paths = ["/gen/9200.html"]  # a good article beside them
    entries = {}
    for n, (name, (kind, target)) in enumerate(targets.items()):
        path = f"/gen/{9210 + n}.html"
        if kind == "302":
            news_site.redirect(path, target, status=302)
        else:
            news_site.set_route(path, meta_refresh(target))
        paths.append(path)
        entries[news_site.url(path)] = case(
            GROUP,
            f"crawl (test site allowed by name): feed item with {name}",
            "refused before connecting; a failed capture saying why",
            before="followed; what the target answered was archived and searchable",
        )
    news_site.set_route("/hostile-feed.xml", _feed(news_site, paths), content_type="application/rss+xml")
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "hostile"\nfeeds = ["{news_site.url("/hostile-feed.xml")}"]\n')
    news_site.clear_requests()
    done = newsarchive(config, "crawl", "--sources", str(sources), "--json", *CRAWL)
    assert "Traceback" not in done.stderr, done.stderr
    counts = json.loads(done.stdout.splitlines()[-1])["sources"]["hostile"]
    assert counts.get("new_article") == 1, counts
    captures = _captures(config)
    for url, entry in entries.items():
        row = captures[url]
        assert row.outcome == "failed" and row.error is not None, (url, row.outcome, row.error)
        assert row.error.startswith("refused: "), row.error
        entry.observed = row.error
    fetched = {r.path for r in news_site.requests}
    assert "/gen/9202.html" not in fetched and "/gen/9203.html" not in fetched


def test_crawls_refuse_the_test_site_itself_unless_it_is_named(
    case, news_site: NewsSite, config: ArchiveConfig, tmp_path: Path
) -> None:
    entry = case(
        GROUP,
        "crawl of a source on 127.0.0.1, nothing allowed (the default)",
        "every request refused, the site never asked (not even robots.txt)",
        before="crawled and archived",
    )
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "local"\nfeeds = ["{news_site.url("/rss.xml")}"]\n')
    news_site.clear_requests()
    deny = ("-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=")
    done = newsarchive(config, "crawl", "--sources", str(sources), "--json", *CRAWL, *deny)
    assert "Traceback" not in done.stderr, done.stderr
    counts = json.loads(done.stdout.splitlines()[-1])["sources"]["local"]
    assert counts.get("documents_failed") == 1 and not counts.get("new_article"), counts
    assert news_site.requests == []
    entry.observed = f"exit {done.returncode}; feed refused, 0 requests reached the site"


def test_every_crawl_path_runs_the_guard(case, config: ArchiveConfig) -> None:
    """crawl, revisit and capture share settings.py; workers add theirs on top: the guard stays."""
    from newsarchive.crawler.crawl.distributed.workers import worker_settings
    from newsarchive.crawler.crawl.runner import build_settings

    entry = case(
        GROUP,
        "distributed workers' settings",
        "the guard middleware and resolver on, nothing private allowed",
        before="no guard in crawls",
    )
    settings: Settings = build_settings(config, worker_settings("redis://127.0.0.1:6379/5", "p", 3))
    middlewares = settings.getwithbase("DOWNLOADER_MIDDLEWARES")
    guard = "newsarchive.crawler.crawl.downloader.netguard_middleware.DenyPrivateAddressesMiddleware"
    assert middlewares[guard] is not None and middlewares[guard] < 100
    assert settings["TWISTED_DNS_RESOLVER"].endswith("DenyPrivateResolver")
    assert settings.getlist("NEWSARCHIVE_ALLOW_PRIVATE_HOSTS") == []
    entry.observed = (
        f"middleware at {middlewares[guard]}, resolver {settings['TWISTED_DNS_RESOLVER'].rsplit('.', 1)[1]}"
    )
