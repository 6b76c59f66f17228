"""The Scrapy middleware that refuses private addresses on every request of a capture."""

from __future__ import annotations

import json

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from newsarchive.crawler.crawl.downloader.netguard_middleware import DenyPrivateAddressesMiddleware
from newsarchive.crawler.crawl.downloader.netguard_resolver import DenyPrivateResolver
from newsarchive.crawler.web.capture import resolver_setting
from newsarchive.storage.config import ArchiveConfig
from tests.crawl.test_netguard import fake_resolver
from tests.helpers import capture_json
from tests.site.server import NewsSite

RESOLVER = fake_resolver(
    {
        "news.example": ["93.184.216.34"],
        "innocent.example": ["127.0.0.1"],
        "mixed.example": ["93.184.216.35", "10.0.0.1"],
    }
)


def guard() -> DenyPrivateAddressesMiddleware:
    return DenyPrivateAddressesMiddleware(resolver=RESOLVER)


def test_off_unless_the_setting_is_on() -> None:
    with pytest.raises(NotConfigured):
        DenyPrivateAddressesMiddleware.from_crawler(get_crawler(settings_dict={}))
    crawler = get_crawler(settings_dict={"NEWSARCHIVE_DENY_PRIVATE": "1"})
    assert isinstance(DenyPrivateAddressesMiddleware.from_crawler(crawler), DenyPrivateAddressesMiddleware)


def test_public_requests_pass_private_ones_are_ignored() -> None:
    assert guard().process_request(Request("https://news.example/2026/a.html")) is None
    for url, message in [
        ("http://innocent.example/", "refused: innocent.example resolves to a private address"),
        ("http://mixed.example/", "refused: mixed.example resolves to a private address (10.0.0.1"),
        ("http://169.254.169.254/latest/", "metadata"),
        ("http://2130706433/", "127.0.0.1 is a loopback address"),
        ("http://localhost:8000/robots.txt", "loopback"),
    ]:
        with pytest.raises(IgnoreRequest, match=message.replace("(", r"\(")):
            guard().process_request(Request(url))


def test_an_unresolvable_host_is_left_to_the_downloader() -> None:
    assert guard().process_request(Request("http://nowhere.example/")) is None


@pytest.mark.parametrize(
    "location", ["http://innocent.example/admin", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"]
)
def test_every_redirect_hop_is_checked(location: str) -> None:
    """Scrapy's RedirectMiddleware makes a new request for the hop; the guard refuses it."""
    crawler = get_crawler(settings_dict={"NEWSARCHIVE_DENY_PRIVATE": True})
    redirects = RedirectMiddleware.from_crawler(crawler)
    first = Request("https://news.example/2026/a.html")
    assert guard().process_request(first) is None
    response = HtmlResponse(first.url, status=302, headers={"Location": location}, request=first)
    hop = redirects.process_response(first, response)
    assert isinstance(hop, Request) and hop.url == location
    with pytest.raises(IgnoreRequest, match="refused"):
        guard().process_request(hop)


def test_placed_before_robots_txt_and_off_by_default() -> None:
    settings = Settings()
    settings.setmodule("newsarchive.crawler.crawl.settings")
    assert settings.getbool("NEWSARCHIVE_DENY_PRIVATE") is False
    ours = settings.getdict("DOWNLOADER_MIDDLEWARES")[
        "newsarchive.crawler.crawl.downloader.netguard_middleware.DenyPrivateAddressesMiddleware"
    ]
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    robots = middlewares["newsarchive.crawler.crawl.downloader.robots.RobotsTxtMiddleware"]
    assert ours < robots
    assert middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None


def test_a_real_capture_with_the_setting_on_never_reaches_the_site(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    url = news_site.article_url(news_site.articles[0].slug)
    news_site.clear_requests()
    [result] = capture_json(archive_config, url, extra=("-s", "NEWSARCHIVE_DENY_PRIVATE=1"))
    assert result["outcome"] == "failed"
    assert "refused" in result["reason"] and "127.0.0.1 is a loopback address" in result["reason"]
    assert news_site.requests == []  # not even robots.txt


def test_the_resolver_refuses_private_answers_at_connect_time() -> None:
    assert DenyPrivateResolver._refuse_private("93.184.216.34", "news.example") == "93.184.216.34"
    for address in ("127.0.0.1", "10.1.1.1", "169.254.169.254", "::1"):
        with pytest.raises(DNSLookupError, match="refused: rebind.example resolves to a private address"):
            DenyPrivateResolver._refuse_private(address, "rebind.example")


def test_a_name_that_resolves_private_when_connecting_is_refused(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    """Only the resolver on (as if the middleware's lookup had said "public"): nothing is fetched."""
    url = news_site.article_url(news_site.articles[0].slug).replace("//127.0.0.1:", "//localhost:")
    news_site.clear_requests()
    resolver = (
        f"{resolver_setting()}=newsarchive.crawler.crawl.downloader.netguard_resolver.DenyPrivateResolver"
    )
    [result] = capture_json(archive_config, url, extra=("-s", resolver))
    assert result["outcome"] == "failed" and "DNS lookup failed" in result["reason"]
    assert news_site.requests == []
    [allowed] = capture_json(archive_config, url)  # the same capture without the resolver works
    assert allowed["outcome"] == "new_article"


def test_the_api_runs_captures_with_both_guards_unless_private_is_allowed(
    archive_config: ArchiveConfig,
) -> None:
    from newsarchive.crawler.web.capture import CaptureService
    from newsarchive.crawler.web.config import WebSettings

    guarded = list(CaptureService(archive_config, WebSettings()).command("https://news.example/a").argv)
    assert guarded[-5:] == [
        "https://news.example/a",
        "-s",
        "NEWSARCHIVE_DENY_PRIVATE=1",
        "-s",
        f"{resolver_setting()}=newsarchive.crawler.crawl.downloader.netguard_resolver.DenyPrivateResolver",
    ]
    assert guarded[1:5] == ["-m", "newsarchive.crawler.cli", "capture", "--json"]
    assert archive_config.db_url not in guarded  # passed through the environment, never argv
    allowed = (
        CaptureService(archive_config, WebSettings(allow_private=True)).command("https://news.example/a").argv
    )
    assert "-s" not in allowed


def test_a_real_redirect_to_a_private_address_is_refused(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    """A real crawl: the redirected request re-enters the middleware chain and is refused."""
    settings = Settings()
    settings.setmodule("newsarchive.crawler.crawl.settings")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    del middlewares["newsarchive.crawler.crawl.downloader.netguard_middleware.DenyPrivateAddressesMiddleware"]
    middlewares["tests.crawl.first_hop.FirstHopAllowed"] = 50
    spec = news_site.articles[0]
    news_site.redirect("/go", news_site.url(spec.path), status=302)
    news_site.clear_requests()
    start = news_site.url("/go").replace("//127.0.0.1:", "//localhost:")
    overrides = (
        "-s",
        "NEWSARCHIVE_DENY_PRIVATE=1",
        "-s",
        f"DOWNLOADER_MIDDLEWARES={json.dumps(middlewares)}",
    )
    [result] = capture_json(archive_config, start, extra=overrides)
    assert result["outcome"] == "failed"
    assert "refused: 127.0.0.1 is a loopback address" in result["reason"]
    paths = [r.path for r in news_site.requests]
    assert "/go" in paths and spec.path not in paths
