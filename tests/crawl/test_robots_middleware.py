"""The robots.txt middleware's answers, one host at a time (the concurrency tests are end to end)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import Settings

from newsarchive.crawler.crawl.downloader.robots import RobotsTxtMiddleware
from newsarchive.crawler.crawl.responses import ROBOTS_KEY, WARC_KEY
from newsarchive.storage.warc.store import WarcLocation


class FakeEngine:
    """Answers robots.txt requests from a list, one answer per download."""

    def __init__(self, *answers: tuple[int, bytes]) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    async def download_async(self, request: Request) -> Response:
        self.asked.append(request.url)
        status, body = self.answers.pop(0)
        request.meta[WARC_KEY] = WarcLocation("robots.warc.gz", len(self.asked), 10)
        return Response(request.url, status=status, body=body, request=request)


def middleware(engine: FakeEngine, retry: float = 600.0) -> RobotsTxtMiddleware:
    settings = Settings()
    settings.setmodule("newsarchive.crawler.crawl.settings")
    settings.set("NEWSARCHIVE_ROBOTS_RETRY", retry)
    signals = SimpleNamespace(send_catch_log=lambda **kwargs: [])
    crawler = SimpleNamespace(settings=settings, engine=engine, stats=None, signals=signals, spider=None)
    return RobotsTxtMiddleware(crawler)  # type: ignore[arg-type]


def verdict(mw: RobotsTxtMiddleware, url: str) -> str:
    request = Request(url)
    try:
        asyncio.run(mw.process_request(request))
    except IgnoreRequest as exc:
        return str(exc)
    return "allowed"


def test_5xx_refuses_everything_and_is_asked_again_later() -> None:
    engine = FakeEngine((503, b"busy"), (200, b"User-agent: *\nDisallow: /private/\n"))
    mw = middleware(engine, retry=0.0)  # asked again at once
    assert verdict(mw, "http://news.test/a.html").startswith("robots.txt unavailable (HTTP 503)")
    assert verdict(mw, "http://news.test/a.html") == "allowed"
    assert verdict(mw, "http://news.test/private/b.html") == "Forbidden by robots.txt"
    assert engine.asked == ["http://news.test/robots.txt"] * 2


def test_5xx_is_remembered_until_the_retry_time() -> None:
    engine = FakeEngine((500, b""))
    mw = middleware(engine)
    for path in ("/a.html", "/b.html", "/c.html"):
        assert verdict(mw, "http://news.test" + path).startswith("robots.txt unavailable (HTTP 500)")
    assert len(engine.asked) == 1


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_4xx_allows_everything(status: int) -> None:
    mw = middleware(FakeEngine((status, b"User-agent: *\nDisallow: /\n")))
    assert verdict(mw, "http://news.test/a.html") == "allowed"


def test_each_host_has_its_own_rules_and_every_request_carries_them() -> None:
    engine = FakeEngine((200, b"User-agent: *\nDisallow: /\n"), (404, b""))
    mw = middleware(engine)
    assert verdict(mw, "http://closed.test/a.html") == "Forbidden by robots.txt"
    request = Request("http://open.test/a.html")
    asyncio.run(mw.process_request(request))
    assert request.meta[ROBOTS_KEY]["url"] == "http://open.test/robots.txt"
    assert request.meta[ROBOTS_KEY]["status"] == 404
    assert request.meta[ROBOTS_KEY]["warc_offset"] == 2
    # Fetched once per host.
    assert verdict(mw, "http://open.test/b.html") == "allowed"
    assert verdict(mw, "http://closed.test/b.html") == "Forbidden by robots.txt"
    assert len(engine.asked) == 2
