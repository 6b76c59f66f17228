"""News sources as data: the sources.toml file, checked with file:line: reason errors.

    [[source]]
    name = "example"
    feeds = ["https://example.com/rss.xml"]
    sitemaps = ["https://example.com/news-sitemap.xml"]
    pages = ["https://example.com/world/"]
    allow = ['/\\d{4}/\\d{2}/']
    deny = ['/tag/', '/author/']
    schedule = "*/15 * * * *"
    hosts = ["example.co.uk"]     # section-page links followed there too

tomllib reports syntax errors with a line but knows nothing of our rules, so
a semantic error is located by finding the offending table or key in the text.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsarchive.crawler.crawl.schedule.cron import cron_trigger
from newsarchive.storage.crawl_state.revisit_schedule import RevisitStep
from newsarchive.storage.write.dedup import BadURL, check_url

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(#.*)?$")
# A sources file is read whole and checked in about 3 s per MiB: 1 MiB holds
# some 10,000 sources. More is refused rather than read (a device such as
# /dev/zero, or a file grown by mistake, must not fill the memory).
MAX_SOURCES_BYTES = 1024 * 1024


class SourcesError(ValueError):
    """A sources file that cannot be used; str() is `file:line: reason` of the first problem.

    `problems` holds every problem found (this one first), so a check
    reports them all at once instead of one per edit.
    """

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        self.problems: list[SourcesError] = [self]
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")

    @classmethod
    def of(cls, problems: Sequence[SourcesError]) -> SourcesError:
        """One error carrying all `problems` (the first one's path, line and reason)."""
        first = problems[0]
        error = cls(first.path, first.line, first.reason)
        error.problems = list(problems)
        return error


@dataclass(frozen=True)
class Source:
    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    allow: tuple[re.Pattern[str], ...] = ()
    deny: tuple[re.Pattern[str], ...] = ()
    schedule: str | None = None
    # Read `Sitemap:` lines of robots.txt on the hosts of this source's documents.
    robots_sitemaps: bool = False
    # Also archive each article's images and stylesheets, for replay (spiders/requisite_requests.py).
    requisites: bool = False
    delay: float | None = None  # seconds between requests to this source's hosts
    concurrency: int | None = None  # concurrent requests per host
    language: str | None = None
    revisit: tuple[RevisitStep, ...] | None = (
        None  # None: newsarchive.storage.crawl_state.revisit_schedule.DEFAULT_SCHEDULE
    )
    max_age: timedelta | None = None  # ignore feed/sitemap entries older than this
    max_urls: int | None = None  # new article URLs queued per run at most
    # Hosts beyond the section pages' own site whose links are followed
    # ("example.com" covers its subdomains); feed and sitemap entries need none.
    hosts: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)

    @property
    def document_hosts(self) -> set[str]:
        """Hosts this source's feeds, sitemaps and pages live on."""
        return {(urlsplit(u).hostname or "").lower() for u in (*self.feeds, *self.sitemaps, *self.pages)}

    def url_allowed(self, url: str) -> bool:
        if any(p.search(url) for p in self.deny):
            return False
        return not self.allow or any(p.search(url) for p in self.allow)


def parse_duration(text: str) -> timedelta:
    """ "90s", "15m", "3h", "2d", "1w" as a timedelta."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"not a duration: {text!r} (use a number and s, m, h, d or w, e.g. '15m')")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


class _Locator:
    """Finds the line of the n-th [[source]] table, or of a key inside it."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.tables: list[int] = []  # 0-based line index of each [[source]] header
        self.headers: list[int] = []
        for index, line in enumerate(self.lines):
            match = _TABLE_HEADER.match(line)
            if match:
                self.headers.append(index)
                if line.strip().startswith("[[") and match.group(1) == "source":
                    self.tables.append(index)

    def table(self, n: int) -> int | None:
        return self.tables[n] + 1 if n < len(self.tables) else None

    def key(self, n: int | None, key: str) -> int | None:
        if n is None:
            start, end = 0, self.headers[0] if self.headers else len(self.lines)
        elif n < len(self.tables):
            start = self.tables[n]
            end = next((h for h in self.headers if h > start), len(self.lines))
        else:
            return None
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for index in range(start, end):
            if pattern.match(self.lines[index]):
                return index + 1
        return self.table(n) if n is not None else None


def load_sources(path: str | Path, max_bytes: int = MAX_SOURCES_BYTES) -> list[Source]:
    """Read and check a sources file; raise SourcesError with every problem in it."""
    path = Path(path)
    try:
        # Before opening: opening a FIFO would wait for a writer.
        if not stat.S_ISREG(path.stat().st_mode):
            raise SourcesError(path, None, "not a regular file (a device, pipe or directory)")
        with path.open("rb") as handle:
            # Checked on the open file, not the name: no race with a swapped path.
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise SourcesError(path, None, "not a regular file (a device, pipe or directory)")
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise SourcesError(path, None, "no such file (give --sources FILE or create it)") from None
    except OSError as exc:
        raise SourcesError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise SourcesError(
            path, None, f"larger than {max_bytes:,} bytes: split it, or check it is the right file"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourcesError(
            path, None, f"cannot read: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    return parse_sources(text, path)


def parse_sources(text: str, path: Path = Path("sources.toml")) -> list[Source]:
    """Check a sources file's text; raise SourcesError with every problem found."""
    sources, problems = check_sources(text, path)
    if problems:
        raise SourcesError.of(problems)
    return sources


def check_sources(text: str, path: Path = Path("sources.toml")) -> tuple[list[Source], list[SourcesError]]:
    """The valid sources of a file and every problem in it, in file order.

    Not valid TOML is one problem (the parser stops there); otherwise each
    table is checked on its own, so one bad source does not hide the next.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        return [], [SourcesError(path, line, f"not valid TOML: {str(exc).split(' (at line')[0]}")]
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively.
        return [], [SourcesError(path, None, "not valid TOML: arrays or tables nested too deeply")]
    where = _Locator(text)
    problems = [
        SourcesError(path, where.key(None, key), f"unknown top-level key {key!r}")
        for key in sorted(set(data) - {"source"})
    ]
    tables = data.get("source", [])
    if not isinstance(tables, list):
        problems.append(SourcesError(path, where.key(None, "source"), "'source' must be [[source]] tables"))
        tables = []
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for n, table in enumerate(tables):
        if not isinstance(table, dict):
            problems.append(
                SourcesError(path, where.key(None, "source"), "'source' must be [[source]] tables")
            )
            continue
        source, table_problems = _check_table(table, n, path, where)
        problems.extend(table_problems)
        name = table.get("name")
        if isinstance(name, str) and name in seen:  # a duplicate even if the table has other problems
            problems.append(
                SourcesError(
                    path, where.key(n, "name"), f"duplicate source name {name!r} (first on line {seen[name]})"
                )
            )
            continue
        if isinstance(name, str):
            seen[name] = where.table(n) or 0
        if source is not None:
            sources.append(source)
    unique = list({str(p): p for p in problems}.values())  # one line per problem, however often it occurs
    return sources, sorted(unique, key=lambda p: p.line or 0)


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _check_table(
    table: dict[str, Any], n: int, path: Path, where: _Locator
) -> tuple[Source | None, list[SourcesError]]:
    """The source of the n-th table (None if it has any problem), and all its problems."""
    problems: list[SourcesError] = []

    def fail(key: str | None, reason: str) -> None:
        problems.append(SourcesError(path, where.key(n, key) if key else where.table(n), reason))

    known = ", ".join(sorted({"name", *_CHECKS}))
    for key in sorted(set(table) - set(_CHECKS) - {"name"}):
        fail(key, f"unknown key {key!r} (known: {known})")
    name = table.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        fail("name" if "name" in table else None, "each source needs a name: letters, digits, '.', '_', '-'")
        name = None
    values: dict[str, Any] = {"name": name, "line": where.table(n) or 0}
    for key, value in table.items():
        if key == "name" or key not in _CHECKS:
            continue
        try:
            values[key] = _CHECKS[key](value)
        except (ValueError, TypeError, re.error) as exc:
            fail(key, f"{key}: {exc}")
    has_documents = any(table.get(key) for key in ("feeds", "sitemaps", "pages"))
    # An unknown key is most often a misspelt "feeds": that line says it, not a second one.
    if not has_documents and not set(table) - set(_CHECKS) - {"name"}:
        label = f"source {name!r}" if name else "this source"
        fail(None, f"{label} has no feeds, sitemaps or pages to discover articles from")
    return (None if problems else Source(**values)), problems


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of strings")
    return value


def _urls(value: Any) -> tuple[str, ...]:
    urls = []
    for url in _strings(value):
        try:
            urls.append(check_url(url))
        except BadURL as exc:
            raise ValueError(f"{url!r}: {exc}") from None
    return tuple(urls)


def _patterns(value: Any) -> tuple[re.Pattern[str], ...]:
    patterns = []
    for text in _strings(value):
        try:
            patterns.append(re.compile(text))
        except re.error as exc:
            raise ValueError(f"bad regular expression {text!r}: {exc}") from None
    return tuple(patterns)


_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def _hostnames(value: Any) -> tuple[str, ...]:
    """Host names, not URLs: "example.com" (its subdomains included), lower-cased."""
    names = []
    for text in _strings(value):
        name = text.strip().lower().rstrip(".")
        if "/" in name or ":" in name:
            raise ValueError(f"{text!r} is not a host name (give 'example.com', not a URL)")
        if not _HOSTNAME.match(name):
            raise ValueError(f"{text!r} is not a host name")
        names.append(name)
    return tuple(dict.fromkeys(names))


def _schedule(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a cron expression string, e.g. '*/15 * * * *'")
    try:
        cron_trigger(value)
    except ValueError as exc:
        raise ValueError(f"bad cron expression {value!r}: {exc}") from None
    return value.strip()


def _positive(kind: type) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"expected a non-negative number, got {value!r}")
        if kind is int and (not isinstance(value, int) or value == 0):
            raise ValueError(f"expected a whole number of at least 1, got {value!r}")
        return kind(value)

    return check


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _language(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*", value):
        raise ValueError(f"expected a language code like 'en' or 'pt-BR', got {value!r}")
    return value


def _revisit(value: Any) -> tuple[RevisitStep, ...]:
    """[["3h", "15m"], ["1d", "1h"]]: while younger than X, check every Y."""
    if not isinstance(value, list) or not value:
        raise TypeError('expected a list of [younger_than, every] pairs, e.g. [["3h", "15m"], ["1d", "1h"]]')
    steps: list[RevisitStep] = []
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise TypeError(f"expected a [younger_than, every] pair, got {pair!r}")
        step = RevisitStep(parse_duration(pair[0]), parse_duration(pair[1]))
        if steps and step.younger_than <= steps[-1].younger_than:
            raise ValueError("steps must be in increasing age order")
        if step.every <= timedelta(0):
            raise ValueError("'every' must be more than zero")
        steps.append(step)
    return tuple(steps)


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "feeds": _urls,
    "sitemaps": _urls,
    "pages": _urls,
    "allow": _patterns,
    "deny": _patterns,
    "schedule": _schedule,
    "robots_sitemaps": _bool,
    "requisites": _bool,
    "delay": _positive(float),
    "concurrency": _positive(int),
    "language": _language,
    "revisit": _revisit,
    "max_age": parse_duration,
    "max_urls": _positive(int),
    "hosts": _hostnames,
}


def select_sources(sources: Sequence[Source], names: Sequence[str]) -> list[Source]:
    """The named sources (all when no name is given); unknown names raise KeyError."""
    if not names:
        return list(sources)
    by_name = {s.name: s for s in sources}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise KeyError(
            f"no source named {', '.join(map(repr, missing))} (known: {', '.join(by_name) or 'none'})"
        )
    return [by_name[n] for n in dict.fromkeys(names)]
