"""The Scrapy middleware that refuses private addresses on every request of a capture."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from newsarchive.crawler.crawl.downloader.netguard_middleware import DenyPrivateAddressesMiddleware
from newsarchive.crawler.crawl.downloader.netguard_policy import AddressPolicy
from newsarchive.crawler.crawl.downloader.netguard_resolver import DenyPrivateResolver
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


# Refusing the test site: the helpers name 127.0.0.1 for every command, this names nothing.
DENY = ("-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=")


def guard(policy: AddressPolicy | None = None) -> DenyPrivateAddressesMiddleware:
    return DenyPrivateAddressesMiddleware(policy or AddressPolicy(), resolver=RESOLVER)


def check(middleware: DenyPrivateAddressesMiddleware, url: str) -> None:
    """What process_request decides (without the thread hop a host name takes there)."""
    split = urlsplit(url)
    reason = middleware.verdict((split.hostname or "").lower(), split.port)
    if reason is not None:
        raise IgnoreRequest(reason)


def test_on_with_no_setting_and_reads_the_allow_list() -> None:
    default = DenyPrivateAddressesMiddleware.from_crawler(get_crawler(settings_dict={}))
    assert default.policy == AddressPolicy()
    crawler = get_crawler(settings_dict={"NEWSARCHIVE_ALLOW_PRIVATE_HOSTS": "intranet.example, 10.0.0.0/8"})
    named = DenyPrivateAddressesMiddleware.from_crawler(crawler)
    assert named.policy.hosts == {"intranet.example"} and len(named.policy.networks) == 1


def test_public_requests_pass_private_ones_are_ignored() -> None:
    check(guard(), "https://news.example/2026/a.html")
    # Literal addresses are decided at once, in process_request itself.
    assert guard().process_request(Request("http://93.184.216.34/a.html")) is None
    with pytest.raises(IgnoreRequest, match="metadata"):
        guard().process_request(Request("http://169.254.169.254/latest/"))
    for url, message in [
        ("http://innocent.example/", "refused: innocent.example resolves to a private address"),
        ("http://mixed.example/", "refused: mixed.example resolves to a private address (10.0.0.1"),
        ("http://169.254.169.254/latest/", "metadata"),
        ("http://2130706433/", "127.0.0.1 is a loopback address"),
        ("http://localhost:8000/robots.txt", "loopback"),
    ]:
        with pytest.raises(IgnoreRequest, match=message.replace("(", r"\(")):
            check(guard(), url)


def test_an_unresolvable_host_is_left_to_the_downloader() -> None:
    assert guard().verdict("nowhere.example", None) is None


@pytest.mark.parametrize(
    "location", ["http://innocent.example/admin", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"]
)
def test_every_redirect_hop_is_checked(location: str) -> None:
    """Scrapy's RedirectMiddleware makes a new request for the hop; the guard refuses it."""
    crawler = get_crawler(settings_dict={})
    redirects = RedirectMiddleware.from_crawler(crawler)
    first = Request("https://news.example/2026/a.html")
    check(guard(), first.url)
    response = HtmlResponse(first.url, status=302, headers={"Location": location}, request=first)
    hop = redirects.process_response(first, response)
    assert isinstance(hop, Request) and hop.url == location
    with pytest.raises(IgnoreRequest, match="refused"):
        check(guard(), hop.url)


def test_placed_before_robots_txt_with_its_resolver_and_nothing_allowed_by_default() -> None:
    settings = Settings()
    settings.setmodule("newsarchive.crawler.crawl.settings")
    assert settings.getlist("NEWSARCHIVE_ALLOW_PRIVATE_HOSTS") == []
    assert settings["TWISTED_DNS_RESOLVER"].endswith("netguard_resolver.DenyPrivateResolver")
    ours = settings.getdict("DOWNLOADER_MIDDLEWARES")[
        "newsarchive.crawler.crawl.downloader.netguard_middleware.DenyPrivateAddressesMiddleware"
    ]
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    robots = middlewares["newsarchive.crawler.crawl.downloader.robots.RobotsTxtMiddleware"]
    assert ours < robots
    assert middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None


def test_a_real_capture_with_nothing_allowed_never_reaches_the_site(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    url = news_site.article_url(news_site.articles[0].slug)
    news_site.clear_requests()
    [result] = capture_json(archive_config, url, extra=DENY)
    assert result["outcome"] == "failed"
    assert "refused" in result["reason"] and "127.0.0.1 is a loopback address" in result["reason"]
    assert news_site.requests == []  # not even robots.txt


def resolver(policy: AddressPolicy) -> DenyPrivateResolver:
    made = DenyPrivateResolver.__new__(DenyPrivateResolver)  # no reactor needed to judge an answer
    made.policy = policy
    return made


def test_the_resolver_refuses_private_answers_at_connect_time() -> None:
    assert resolver(AddressPolicy()).refuse_private("93.184.216.34", "news.example") == "93.184.216.34"
    for address in ("127.0.0.1", "10.1.1.1", "169.254.169.254", "::1"):
        with pytest.raises(DNSLookupError, match="refused: rebind.example resolves to a private address"):
            resolver(AddressPolicy()).refuse_private(address, "rebind.example")


def test_the_resolver_keeps_metadata_and_link_local_refused_whatever_is_allowed() -> None:
    everything = resolver(AddressPolicy.parse("*, intranet.example, 0.0.0.0/0, ::/0"))
    assert everything.refuse_private("10.1.1.1", "intranet.example") == "10.1.1.1"
    for address in ("169.254.169.254", "169.254.10.1", "fd00:ec2::254", "100.100.100.200", "fe80::1"):
        with pytest.raises(DNSLookupError, match="metadata|link-local"):
            everything.refuse_private(address, "intranet.example")


def test_a_name_that_resolves_private_when_connecting_is_refused(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    """Only the resolver on (as if the middleware's lookup had said "public"): nothing is fetched."""
    url = news_site.article_url(news_site.articles[0].slug).replace("//127.0.0.1:", "//localhost:")
    news_site.clear_requests()
    settings = Settings()
    settings.setmodule("newsarchive.crawler.crawl.settings")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    del middlewares["newsarchive.crawler.crawl.downloader.netguard_middleware.DenyPrivateAddressesMiddleware"]
    without_middleware = ("-s", f"DOWNLOADER_MIDDLEWARES={json.dumps(middlewares)}")
    [result] = capture_json(archive_config, url, extra=(*DENY, *without_middleware))
    assert result["outcome"] == "failed" and "DNS lookup failed" in result["reason"]
    assert news_site.requests == []
    # The same capture with localhost's address allowed works.
    [allowed] = capture_json(archive_config, url, extra=without_middleware)
    assert allowed["outcome"] == "new_article"


def test_the_api_runs_captures_with_both_guards_unless_private_is_allowed(
    archive_config: ArchiveConfig,
) -> None:
    from newsarchive.crawler.web.capture import CaptureService
    from newsarchive.crawler.web.config import WebSettings

    guarded = list(CaptureService(archive_config, WebSettings()).command("https://news.example/a").argv)
    # Nothing allowed, said explicitly: an allow-list in the server's environment never applies.
    assert guarded[-3:] == ["-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=", "https://news.example/a"]
    assert guarded[1:5] == ["-m", "newsarchive.crawler.cli", "capture", "--json"]
    assert archive_config.db_url not in guarded  # passed through the environment, never argv
    allowed = list(
        CaptureService(archive_config, WebSettings(allow_private=True)).command("https://news.example/a").argv
    )
    # --allow-private keeps the guard on (metadata and link-local are still refused).
    assert allowed[-3:] == ["-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=*", "https://news.example/a"]


def test_a_real_redirect_to_a_private_address_is_refused(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    """A real capture: the redirected request re-enters the middleware chain and is refused.

    The name "localhost" is allowed (a private host named for an intranet
    source), its address is not: the site's redirect to 127.0.0.1 is refused.
    """
    spec = news_site.articles[0]
    news_site.redirect("/go", news_site.url(spec.path), status=302)
    news_site.clear_requests()
    start = news_site.url("/go").replace("//127.0.0.1:", "//localhost:")
    [result] = capture_json(archive_config, start, extra=("-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=localhost"))
    assert result["outcome"] == "failed"
    assert "refused: 127.0.0.1 is a loopback address" in result["reason"]
    paths = [r.path for r in news_site.requests]
    assert "/go" in paths and spec.path not in paths


def test_the_operators_proxy_may_be_private_targets_may_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://proxy.corp:3128")
    from twisted.internet import reactor

    made = DenyPrivateResolver.from_crawler(get_crawler(settings_dict={}), reactor)
    assert made.refuse_private("10.0.0.5", "proxy.corp") == "10.0.0.5"
    for address, name in (("10.0.0.5", "intranet.example"), ("169.254.169.254", "proxy.corp")):
        with pytest.raises(DNSLookupError, match="refused"):
            made.refuse_private(address, name)
    monkeypatch.delenv("http_proxy")
    plain = DenyPrivateResolver.from_crawler(get_crawler(settings_dict={}), reactor)
    with pytest.raises(DNSLookupError, match="refused"):
        plain.refuse_private("10.0.0.5", "proxy.corp")
