"""The local news web itself: one port, answers by Host, robots.txt per host, charsets, and a closed resolver."""

from __future__ import annotations

import http.client

import pytest
from twisted.internet.error import DNSLookupError

from tests.site import hosts as H
from tests.site.families import PAPER
from tests.site.resolver import LoopbackResolver
from tests.site.web import NewsWeb


def _get(web: NewsWeb, host: str, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=10)
    connection.request("GET", path, headers={"Host": f"{host}:{web.port}"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_hosts_share_a_port_and_differ_by_host(news_web: NewsWeb) -> None:
    robots = {}
    for host in H.NEWS_HOSTS - {H.NEWS_BARE}:
        connection = http.client.HTTPConnection("127.0.0.1", news_web.port, timeout=10)
        connection.request("GET", "/robots.txt", headers={"Host": f"{host}:{news_web.port}"})
        robots[host] = connection.getresponse().read()
        connection.close()
    assert len(set(robots.values())) == len(robots)  # every host has its own robots.txt
    moved = _get(news_web, H.NEWS_BARE, "/world/")
    assert (moved.status, moved.getheader("Location")) == (301, news_web.url(H.NEWS_WWW, "/world/"))
    assert _get(news_web, "unknown.test", "/").status == 421
    german = _get(news_web, H.PAPER_WWW, PAPER[1].path)
    assert german.getheader("Content-Type") == "text/html; charset=iso-8859-1"


def test_the_resolver_knows_only_the_table() -> None:
    resolver = LoopbackResolver(reactor=None)
    results: list[object] = []
    resolver.getHostByName(H.NEWS_FEEDS).addBoth(results.append)
    resolver.getHostByName("www.theguardian.com").addBoth(results.append)
    resolver.getHostByName("example.com").addBoth(results.append)
    assert results[:2] == ["127.0.0.1", "127.0.0.1"]
    with pytest.raises(DNSLookupError):
        results[2].raiseException()  # type: ignore[attr-defined]
