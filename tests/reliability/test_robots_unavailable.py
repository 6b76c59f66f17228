"""A robots.txt that answers 5xx refuses the host (RFC 9309 section 2.3.1.4), and only for now.

It was read as "no rules" and every page was fetched. The unit-level checks
(the retry time, 4xx as allow-all, crawls and revisits) are in
tests/crawl/test_robots_middleware.py and tests/crawl/test_robots_obeyed.py;
this is the end-to-end case for the ledger.
"""

from __future__ import annotations

from pathlib import Path

from newsarchive.storage.config import ArchiveConfig
from tests.helpers import capture_json
from tests.site.server import NewsSite

GROUP = "Faults while crawling (newsarchive capture)"
NO_BACKOFF = ("-s", "NEWSARCHIVE_RETRY_BACKOFF=0")


def test_a_robots_txt_answering_503_refuses_the_host_until_it_answers_again(case, tmp_path: Path) -> None:
    entry = case(
        GROUP,
        "robots.txt answers 503, then 200 again",
        "while 503: every page skipped, none fetched; once it answers: fetched",
        before="treated as allow-all: every page fetched",
    )
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'archive.db'}")
    with NewsSite() as site:
        articles = site.articles[:3]
        site.set_route("/robots.txt", "down for maintenance", status=503, content_type="text/plain")
        refused = capture_json(config, *(a.url for a in articles), extra=NO_BACKOFF)
        fetched_while_down = sum(site.request_count(a.path) for a in articles)
        site.set_route("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        again = capture_json(config, *(a.url for a in articles), extra=NO_BACKOFF)
    assert [r["outcome"] for r in refused] == ["skipped"] * len(articles), refused
    assert all(r["reason"].startswith("robots.txt unavailable (HTTP 503)") for r in refused), refused
    assert fetched_while_down == 0
    assert [r["outcome"] for r in again] == ["new_article"] * len(articles), again
    entry.observed = f"{len(refused)} skipped ({refused[0]['reason'][:60]}…), 0 fetched; then all archived"
