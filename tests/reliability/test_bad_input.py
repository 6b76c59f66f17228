"""Bad input at the edges: URLs, search queries, export filters, sources files.

Each is refused with one clear line (never a traceback, never an engine's
own syntax error), or accepted and handled; nothing in between.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsarchive.crawler.crawl.sources import SourcesError, parse_sources
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.fetch import ExtractedArticle, ExtractedContent, Fetch
from newsarchive.storage.research.search.query import BadQuery, SearchQuery, search
from newsarchive.storage.write.dedup import BadURL, canonical_url, check_url
from tests.helpers import newsarchive

URL_GROUP = "Bad input: URLs (newsarchive capture)"
SEARCH_GROUP = "Bad input: search queries and export filters"
SOURCES_GROUP = "Bad input: sources files"

BAD_URLS = {
    "empty": ("", "empty URL"),
    "not a URL": ("not a url", "relative URL"),
    "relative path": ("/world/story.html", "relative URL"),
    "no scheme": ("example.com/story", "relative URL"),
    "file:": ("file:///etc/passwd", "unsupported scheme 'file'"),
    "ftp:": ("ftp://example.com/x", "unsupported scheme 'ftp'"),
    "data:": ("data:text/html,<p>hi</p>", "unsupported scheme 'data'"),
    "javascript:": ("javascript:alert(1)", "unsupported scheme 'javascript'"),
    "mailto:": ("mailto:desk@example.com", "unsupported scheme 'mailto'"),
    "no host": ("http:///story", "no host"),
    "space in host": ("http://exa mple.com/", "malformed URL"),
    "port out of range": ("http://example.com:99999/", "malformed URL"),
    "very long (10 000 chars)": ("http://example.com/" + "a" * 10_000, "longer than"),
}


@pytest.mark.parametrize(("name", "url", "reason"), [(n, u, r) for n, (u, r) in BAD_URLS.items()])
def test_bad_url_is_refused_with_one_line(case, name: str, url: str, reason: str) -> None:
    entry = case(URL_GROUP, name, "refused: one-line reason")
    with pytest.raises(BadURL) as refused:
        check_url(url)
    message = str(refused.value)
    assert reason in message and "\n" not in message and len(message) < 200
    entry.observed = f"BadURL: {message}"


def test_idn_hosts_are_accepted_and_keyed_once(case) -> None:
    entry = case(
        URL_GROUP, "IDN host (Unicode and punycode)", "accepted; both spellings give one article key"
    )
    unicode_url, puny_url = "https://bücher.example/straße?a=1", "https://xn--bcher-kva.example/straße?a=1"
    assert check_url(unicode_url) == unicode_url
    assert canonical_url(unicode_url) == canonical_url(puny_url)
    entry.observed = f"key {canonical_url(puny_url)}"


def test_capture_refuses_bad_urls_before_fetching(tmp_path: Path, case) -> None:
    entry = case(URL_GROUP, "all of the above in one `newsarchive capture`", "exit 2, one error line per URL")
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    urls = [url for url, _ in BAD_URLS.values() if url]
    done = newsarchive(config, "capture", *urls)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == len(urls)
    assert done.stdout == ""
    entry.observed = f"exit 2; {len(lines)} lines such as {lines[4][:80]!r}"


# -- search and export ----------------------------------------------------------

QUERIES = {
    "unbalanced quote": '"harbour ferry',
    "FTS operators": "harbour AND NOT ferry NEAR(a b)",
    "FTS column filter": "title:harbour",
    "FTS caret and parens": "^harbour (((ferry",
    "lone star and minus": "* - ** --",
    "OR at the edges": "OR harbour OR",
    "SQL injection": "'; DROP TABLE articles; --",
    "tsquery syntax": "harbour & !ferry | (ab <-> cd):*",
    "NUL and control characters": "harb\x00our\x07 ferry",
    "emoji and RTL": "🚢 ميناء harbour",
    "only exclusions": "-harbour -ferry",
    "empty": "   ",
    "501 characters": "harbour " * 62 + "abcde",
    "40 terms": " ".join(f"word{i}" for i in range(40)),
}


def _article(archive: Archive, n: int) -> None:
    fetch = Fetch(
        requested_url=f"https://news.example/story/{n}.html",
        fetched_at=datetime(2026, 3, 1, tzinfo=UTC),
        status_code=200,
    )
    text = f"The harbour ferry timetable changed again, story {n}. " * 5
    fields = {"title": f"Harbour story {n}", "text": text, "authors": ["Ann Writer"], "language": "en"}
    archive.service.record_capture(fetch, ExtractedContent(ExtractedArticle.from_fields(fields), "test", "1"))


@pytest.fixture
def small_archive(archive: Archive) -> Archive:
    for n in range(3):
        _article(archive, n)
    return archive


def test_hostile_search_queries(small_archive: Archive, case, db_url: str) -> None:
    backend = db_url.split(":")[0]
    for name, text in QUERIES.items():
        entry = case(SEARCH_GROUP, f"search: {name} ({backend})", "results, or BadQuery with one line")
        try:
            with small_archive.sessions() as session:
                page = search(session, SearchQuery(text=text))
            entry.observed = f"{page.total} hit(s)"
        except BadQuery as exc:
            assert "\n" not in str(exc) and len(str(exc)) < 200
            entry.observed = f"BadQuery: {exc}"


def test_search_cli_reports_bad_queries_in_one_line(tmp_path: Path, case) -> None:
    entry = case(SEARCH_GROUP, "`newsarchive search` with a bad query", "exit 2 or 1, one line, no traceback")
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    done = newsarchive(config, "search", "--", "-only -exclusions")
    assert done.returncode in (1, 2) and "Traceback" not in done.stderr
    message = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(message) == 1, done.stderr
    entry.observed = f"exit {done.returncode}: {message[0]}"


@pytest.mark.parametrize(
    ("name", "filters", "rows"),
    [("selects nothing", ["--published-from", "9000-01-01"], 0), ("selects everything", [], 3)],
)
def test_export_filters_at_the_extremes(
    small_archive: Archive,
    archive_config: ArchiveConfig,
    tmp_path: Path,
    case,
    name: str,
    filters: list[str],
    rows: int,
) -> None:
    backend = archive_config.db_url.split(":")[0]
    entry = case(
        SEARCH_GROUP, f"export: filter {name} ({backend})", f"{rows} rows, a manifest saying so, exit 0"
    )
    out = tmp_path / "out.jsonl"
    done = newsarchive(archive_config, "export", *filters, "--format", "jsonl", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert len(out.read_text().splitlines()) == rows
    manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text())
    assert manifest["rows"] == rows, manifest
    entry.observed = f"{rows} rows written; manifest agrees"


# -- sources files -----------------------------------------------------------------

GOOD = '[[source]]\nname = "ok"\nfeeds = ["https://example.com/rss.xml"]\n'
BAD_SOURCES = {
    "TOML syntax error": (GOOD + '[[source]\nname = "x"\n', 4),
    "unknown key": (GOOD + '\n[[source]]\nname = "b"\nfeedz = ["https://e.com/rss"]\n', 7),
    "missing name": (GOOD + '\n[[source]]\nfeeds = ["https://e.com/rss"]\n', 5),
    "duplicate name": (GOOD + '\n[[source]]\nname = "ok"\nfeeds = ["https://e.com/rss"]\n', 6),
    "ftp feed URL": (GOOD + '\n[[source]]\nname = "b"\nfeeds = ["ftp://e.com/rss"]\n', 7),
    "bad regex": (GOOD + '\n[[source]]\nname = "b"\nfeeds = ["https://e.com/r"]\nallow = ["(unclosed"]\n', 8),
    "bad cron schedule": (
        GOOD + '\n[[source]]\nname = "b"\nfeeds = ["https://e.com/r"]\nschedule = "every day"\n',
        8,
    ),
    "negative delay": (GOOD + '\n[[source]]\nname = "b"\nfeeds = ["https://e.com/r"]\ndelay = -1\n', 8),
    "no documents": (GOOD + '\n[[source]]\nname = "b"\n', 5),
}


@pytest.mark.parametrize(("name", "text", "line"), [(n, t, ln) for n, (t, ln) in BAD_SOURCES.items()])
def test_sources_file_mistake_is_located(case, name: str, text: str, line: int) -> None:
    entry = case(SOURCES_GROUP, name, "SourcesError: file:line: reason")
    with pytest.raises(SourcesError) as refused:
        parse_sources(text, Path("sources.toml"))
    message = str(refused.value)
    assert "\n" not in message and message.startswith("sources.toml:")
    assert refused.value.line is not None and abs(refused.value.line - line) <= 1, message
    entry.observed = message


def test_sources_check_cli(tmp_path: Path, case) -> None:
    entry = case(
        SOURCES_GROUP, "`newsarchive sources check` on a bad file", "exit 2, one line file:line: reason"
    )
    config = ArchiveConfig(home=tmp_path / "home", db_url=f"sqlite:///{tmp_path / 'a.db'}")
    bad = tmp_path / "sources.toml"
    bad.write_text(BAD_SOURCES["ftp feed URL"][0])
    done = newsarchive(config, "sources", "check", "--sources", str(bad))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and f"{bad}:7:" in done.stderr
    entry.observed = done.stderr.strip().replace(str(tmp_path) + "/", "")


def test_hostile_queries_over_http(small_archive: Archive, archive_config: ArchiveConfig, case) -> None:
    """The API and the search page answer 200, or refuse (400 one line, 422 validation); never a 500."""
    fastapi = pytest.importorskip("fastapi.testclient")
    from newsarchive.crawler.web.app import create_app

    backend = archive_config.db_url.split(":")[0]
    entry = case(
        SEARCH_GROUP, f"HTTP: every query above on /articles and / ({backend})", "200 or 400 (one line)"
    )
    statuses = []
    with fastapi.TestClient(create_app(archive_config)) as client:
        for text in [*QUERIES.values(), "x" * 20_000]:
            api = client.get("/articles", params={"q": text})
            # 422: FastAPI's own validation (the q parameter has a maximum length).
            assert api.status_code in (200, 400, 422), (text[:50], api.status_code, api.text[:300])
            if api.status_code == 400:
                assert "\n" not in api.json()["detail"]
            page = client.get("/", params={"q": text})
            assert page.status_code in (200, 400, 422), (text[:50], page.status_code)
            statuses += [api.status_code, page.status_code]
    refused = len(statuses) - statuses.count(200)
    entry.observed = f"{statuses.count(200)} answered 200, {refused} refused with 400/422, no 500"


@pytest.mark.parametrize(
    ("name", "body", "content_type", "expected"),
    [
        ("latin-1 header, latin-1 bytes", "São €".encode("cp1252"), "text/html; charset=ISO-8859-1", "São €"),
        ("utf-8 header that lies", "São".encode("cp1252"), "text/html; charset=utf-8", None),
        ("utf-16 header on ASCII bytes", b"<p>news</p>", "text/html; charset=utf-16", None),
        ("unknown charset label", b"<p>news</p>", "text/html; charset=x-nonsense", None),
        ("BOM outranks the header", b"\xef\xbb\xbf<p>S\xc3\xa3o</p>", "text/html; charset=latin-1", None),
    ],
)
def test_http_charset_header(case, name: str, body: bytes, content_type: str, expected: str | None) -> None:
    from newsarchive.crawler.crawl.pipeline.page_rules import header_decoded

    entry = case(
        "Bad input: charsets", name, "decoded by the header" if expected else "bytes left to the extractor"
    )
    decoded = header_decoded(body, content_type)
    assert decoded == (expected if expected is not None else body)
    entry.observed = f"{type(decoded).__name__}: {decoded!r}"[:80]
