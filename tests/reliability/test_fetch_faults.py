"""Faults while fetching, through `newsarchive capture`: each is recorded, none is an article.

One capture run fetches every faulty URL together with good ones (that is
the point: the run must go on), then one test per fault checks what the
archive kept for it. The site is in this process, so its request log shows
the retries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article, Capture, Version
from newsarchive.storage.warc.store import WarcLocation, read_response
from tests.helpers import capture
from tests.reliability.support import check_archive
from tests.site.faults import ARTICLE_TEXT, NO_CHARSET_TEXT, WRONG_CHARSET_TEXT
from tests.site.server import NewsSite

GROUP = "Faults while crawling (newsarchive capture)"
RETRY_TIMES = 2
SETTINGS = (
    "-s",
    "DOWNLOAD_TIMEOUT=3",
    "-s",
    f"RETRY_TIMES={RETRY_TIMES}",
    "-s",
    "DOWNLOAD_MAXSIZE=1048576",
    "-s",
    "NEWSARCHIVE_RETRY_MAX_WAIT=1",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
)
GOOD = [f"/gen/{n}.html" for n in (1, 2, 3)]
# Latin-1 whose only charset declaration is the Content-Type header, as many servers send it.
HEADER_CHARSET_PAGE = (
    "<!DOCTYPE html><html><head><title>Caf\u00e9 tax</title></head><body><article><h1>Caf\u00e9 tax</h1>"
    f"<p>{NO_CHARSET_TEXT} {ARTICLE_TEXT}</p></article></body></html>"
).encode("latin-1")
# Nested JSON-LD that makes the extractor raise (see test_extractor_fuzz): the pipeline must contain it.
DEEP_JSONLD = (
    '<html><head><script type="application/ld+json">' + "[" * 200_000 + "</script></head>"
    "<body><article><p>" + "Words of a story. " * 40 + "</p></article></body></html>"
)
BURST = [f"/fault/503-retry-after?fail=1&retry_after=0&n={n}" for n in range(6)]
DNS_URL = "http://no-such-host.invalid/story.html"


@dataclass
class Run:
    site: NewsSite
    config: ArchiveConfig
    results: dict[str, dict]  # by requested URL
    captures: dict[str, list[Capture]]  # by requested URL
    articles: dict[int, Article]
    texts: dict[int, str]  # latest version text by article id
    returncode: int

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.site.url(path)

    def failed(self, path: str, reason: str) -> str:
        """Assert one failed capture with `reason`, no article, a readable WARC record if any bytes came."""
        url = self.url(path)
        result = self.results[url]
        assert result["outcome"] == "failed", result
        assert reason in result["reason"], result["reason"]
        assert "\n" not in result["reason"] and len(result["reason"]) <= 300
        rows = self.captures[url]
        assert len(rows) == 1 and rows[0].outcome == "failed" and rows[0].article_id is None
        assert rows[0].error == result["reason"]
        if rows[0].warc_file:
            read_response(
                self.config.warc_dir,
                WarcLocation(rows[0].warc_file, rows[0].warc_offset, rows[0].warc_length),
            )
        return f"failed: {result['reason']}".replace(self.site.base_url, "")

    def archived(self, path: str, *snippets: str) -> str:
        url = self.url(path)
        result = self.results[url]
        assert result["outcome"] == "new_article", result
        text = self.texts[result["article_id"]]
        for snippet in snippets:
            assert snippet in text, f"{snippet!r} not in {text[:300]!r}"
        return f"archived: {result['title']!r}"

    def hits(self, path: str) -> int:
        """Requests for exactly this path and query."""
        return self.site.request_count(path)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    site = NewsSite(fixtures=False)
    tmp: Path = tmp_path_factory.mktemp("faults")
    config = ArchiveConfig(home=tmp / "home", db_url=f"sqlite:///{tmp / 'archive.db'}")
    site.redirect("/moved", "/gen/9.html")
    site.set_route("/deep-jsonld.html", DEEP_JSONLD)
    site.set_route("/header-charset.html", HEADER_CHARSET_PAGE, content_type="text/html; charset=iso-8859-1")
    urls = [site.url(path) for _, path, _, _ in FAULTS if not path.startswith("http")]
    urls += [DNS_URL] + [site.url(p) for p in GOOD + BURST]
    try:
        done = capture(config, "--json", *urls, extra=SETTINGS)
        results = {}
        for line in done.stdout.splitlines():
            data = json.loads(line)
            results[data["url"]] = data
        with Archive(config) as archive, archive.sessions() as session:
            rows = list(session.scalars(select(Capture).order_by(Capture.id)))
            articles = {a.id: a for a in session.scalars(select(Article))}
            texts = {
                a.id: session.get(Version, a.latest_version_id).text  # type: ignore[union-attr]
                for a in articles.values()
            }
        by_url: dict[str, list[Capture]] = {}
        for row in rows:
            by_url.setdefault(row.requested_url, []).append(row)
        yield Run(site, config, results, by_url, articles, texts, done.returncode)
    finally:
        site.close()


def _retried(run: Run, path: str, expected_hits: int) -> str:
    hits = run.hits(path)
    assert hits == expected_hits, f"{hits} requests, expected {expected_hits}"
    return f"{hits} requests"


def _timeout(run: Run, path: str) -> str:
    return run.failed(path, "timed out") + "; " + _retried(run, path, RETRY_TIMES + 1)


def _5xx_gives_up(run: Run, path: str) -> str:
    return run.failed(path, "HTTP 503") + "; " + _retried(run, path, RETRY_TIMES + 1)


def _recovers(run: Run, path: str) -> str:
    return run.archived(path, "Served after 2 failures") + "; " + _retried(run, path, 3)


def _charset(expected: str) -> Callable[[Run, str], str]:
    return lambda run, path: run.archived(path, expected)


def _offsite(run: Run, path: str) -> str:
    observed = run.failed(path, "DNS lookup failed")
    assert "other.invalid" in run.results[run.url(path)]["reason"]
    return observed + " (the 301 was followed to the other domain; nothing archived)"


def _redirect_within(run: Run, path: str) -> str:
    url = run.url(path)
    result = run.results[url]
    assert result["outcome"] == "new_article" and result["article_url"] == run.site.url("/gen/9.html")
    row = run.captures[url][0]
    assert row.requested_url == url and row.final_url == run.site.url("/gen/9.html")
    return "archived under the target URL; the capture keeps both URLs"


Check = Callable[[Run, str], str]
# (case, path, expected behaviour, check)
FAULTS: list[tuple[str, str, str, Check]] = [
    ("timeout", "/fault/slow?seconds=12", "retried, then failed: timed out", _timeout),
    ("slow drip", "/fault/drip?bytes=30&seconds=12", "retried, then failed: timed out", _timeout),
    (
        "connection reset mid-body",
        "/fault/reset",
        "retried, then failed: connection lost mid-body",
        lambda run, p: run.failed(p, "connection lost mid-body") + "; " + _retried(run, p, RETRY_TIMES + 1),
    ),
    ("429 + Retry-After", "/fault/429-retry-after?fail=2", "waits, retries, archives", _recovers),
    ("503 + Retry-After", "/fault/503-retry-after?fail=2", "waits, retries, archives", _recovers),
    (
        "503 that never ends",
        "/fault/503-retry-after?fail=99&retry_after=0",
        "retried RETRY_TIMES, then failed: HTTP 503",
        _5xx_gives_up,
    ),
    (
        "500",
        "/fault/500",
        "retried, then failed: HTTP 500",
        lambda run, p: run.failed(p, "HTTP 500") + "; " + _retried(run, p, RETRY_TIMES + 1),
    ),
    (
        "redirect loop",
        "/fault/redirect-loop",
        "failed after REDIRECT_MAX_TIMES",
        lambda run, p: run.failed(p, "max redirections"),
    ),
    ("redirect to another domain", "/fault/redirect-offsite", "followed; failure recorded", _offsite),
    ("redirect within the site", "/moved", "followed; archived under the target", _redirect_within),
    (
        "redirect to the home page",
        "/fault/redirect-home",
        "failed: redirected to the home page (no article)",
        lambda run, p: run.failed(p, "redirected to the home page"),
    ),
    (
        "body over the size limit",
        "/fault/huge?mb=3",
        "refused before download, recorded",
        lambda run, p: run.failed(p, "body over the size limit"),
    ),
    (
        "body over the size limit, no Content-Length",
        "/fault/huge?mb=3&length=0",
        "cancelled at the limit, recorded",
        lambda run, p: run.failed(p, "body over the size limit"),
    ),
    (
        "gzip bomb",
        "/fault/gzip-bomb?mb=256",
        "decompression stopped at the limit, recorded",
        lambda run, p: run.failed(p, "body over the size limit once decompressed"),
    ),
    (
        "binary data as text/html",
        "/fault/binary",
        "failed: binary body",
        lambda run, p: run.failed(p, "binary body served as HTML"),
    ),
    (
        "PDF",
        "/fault/pdf",
        "failed: non-HTML body",
        lambda run, p: run.failed(p, "non-HTML body (application/pdf)"),
    ),
    (
        "missing charset (latin-1)",
        "/fault/no-charset",
        "archived with the right text",
        _charset(NO_CHARSET_TEXT),
    ),
    (
        "charset only in the HTTP header (latin-1)",
        "/header-charset.html",
        "archived with the right text",
        _charset(NO_CHARSET_TEXT),
    ),
    (
        "wrong charset (cp1252 declared utf-8)",
        "/fault/wrong-charset",
        "archived with the right text",
        _charset(WRONG_CHARSET_TEXT),
    ),
    (
        "malformed HTML",
        "/fault/malformed",
        "archived, text complete",
        _charset("Passengers were offered hotel rooms"),
    ),
    ("empty page", "/fault/empty", "failed: empty body", lambda run, p: run.failed(p, "empty body")),
    (
        # Used to crash the extractor (RecursionError in json.loads); the
        # extractor now ignores the pathological script and keeps the story.
        "page with 200 000 nested JSON-LD brackets",
        "/deep-jsonld.html",
        "archived, the JSON-LD ignored",
        lambda run, p: run.archived(p, "Words of a story."),
    ),
]
KNOWN_BUGS: dict[str, str] = {}


def _params() -> list:
    params = []
    for name, path, expected, check in FAULTS:
        marks = [pytest.mark.xfail(reason=KNOWN_BUGS[name], strict=True)] if name in KNOWN_BUGS else []
        params.append(pytest.param(name, path, expected, check, id=name.replace(" ", "-"), marks=marks))
    return params


@pytest.mark.slow
@pytest.mark.parametrize(("name", "path", "expected", "check"), _params())
def test_fault_is_handled(run: Run, case, name: str, path: str, expected: str, check: Check) -> None:
    entry = case(GROUP, name, expected)
    entry.observed = check(run, path)


@pytest.mark.slow
def test_dns_failure(run: Run, case) -> None:
    entry = case(GROUP, "DNS failure", "failed: DNS lookup failed")
    entry.observed = run.failed(DNS_URL, "DNS lookup failed")


@pytest.mark.slow
def test_5xx_burst_across_urls_recovers(run: Run, case) -> None:
    entry = case(GROUP, "5xx burst (6 URLs, each 503 once)", "each retried once, all archived")
    for path in BURST:
        assert run.results[run.url(path)]["outcome"] == "new_article"
        assert run.hits(path) == 2
    entry.observed = f"{len(BURST)}/{len(BURST)} archived after one retry each"


@pytest.mark.slow
def test_the_run_goes_on_and_the_archive_is_whole(run: Run, case) -> None:
    entry = case(GROUP, "good URLs in the same run", "archived; exit 1 (some URLs failed); archive whole")
    for path in GOOD:
        assert run.results[run.url(path)]["outcome"] == "new_article"
    assert run.returncode == 1
    every = [run.url(p) for _, p, _, _ in FAULTS] + [DNS_URL] + [run.url(p) for p in GOOD + BURST]
    assert sorted(run.results) == sorted(every), "every URL has a result"
    assert all(len(run.captures[url]) == 1 for url in every), "one capture per URL"
    integrity = check_archive(run.config)
    assert integrity.problems == []
    failed = sum(1 for r in run.results.values() if r["outcome"] == "failed")
    entry.observed = f"{len(GOOD)} good archived; {failed} failed captures recorded; archive whole"
