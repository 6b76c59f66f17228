"""Where pages come from for ``newsarchive extract``: files, gzip files, URLs, manifests.

A :class:`Source` names one page; :func:`read_source` returns its bytes or
raises :class:`InputError` with a message fit for the user (never a
traceback). URLs are fetched with a plain GET, an honest User-Agent and a
timeout; this is for one-off extraction, not crawling (the spiders crawl).
"""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER_AGENT = "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)"
FETCH_TIMEOUT = 30.0
# Larger responses or decompressed files are cut here (a gzip bomb must not eat
# memory); the extractor flags anything above its own limit as truncated anyway.
MAX_BYTES = 20_000_000


class InputError(Exception):
    """A page that could not be read; the message is shown to the user."""


@dataclass(frozen=True)
class Source:
    id: str
    location: str  # a file path or an http(s) URL
    url: str | None = None  # the page's URL, for resolving links and canonical URLs

    @property
    def is_remote(self) -> bool:
        return is_url(self.location)


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def read_file(path: Path) -> bytes:
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                return f.read(MAX_BYTES + 1)
        with path.open("rb") as f:
            return f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"is a directory: {path}") from None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None


def fetch(url: str, timeout: float = FETCH_TIMEOUT) -> tuple[bytes, str]:
    """GET ``url``; returns the body and the final URL after redirects."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked by is_url
            body = response.read(MAX_BYTES + 1)
            if response.headers.get("Content-Encoding", "").lower() == "gzip":
                body = gzip.decompress(body)
            return body, response.geturl()
    except urllib.error.HTTPError as exc:
        raise InputError(f"HTTP {exc.code} for {url}") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"cannot fetch {url}: {reason}") from None


def read_source(source: Source) -> tuple[bytes, str | None]:
    """The page bytes and the page URL (the final URL for fetched pages)."""
    if source.is_remote:
        body, final = fetch(source.location)
        return body, source.url or final
    return read_file(Path(source.location)), source.url


def from_arguments(items: list[str], url: str | None = None) -> list[Source]:
    """Sources from command-line arguments; ``url`` is the page URL of a single file."""
    return [Source(id=item, location=item, url=url or (item if is_url(item) else None)) for item in items]


def from_manifest(lines: Iterator[str], base: Path | None = None) -> Iterator[Source | InputError]:
    """Sources from a JSON Lines manifest (``{"id", "path", "url"}``); bad lines come back as errors.

    A relative ``path`` is taken from the current directory, else from the
    manifest's own directory. A line with a ``url`` and no ``path`` is fetched.
    """
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            yield InputError(f"manifest line {number}: {exc}")
            continue
        path, url = row.get("path"), row.get("url")
        ident = str(row.get("id") or path or url or f"line-{number}")
        if path:
            location = Path(path)
            if not location.is_absolute() and not location.exists() and base is not None:
                location = base / location
            yield Source(id=ident, location=str(location), url=url)
        elif url and is_url(url):
            yield Source(id=ident, location=url, url=url)
        else:
            yield InputError(f"manifest line {number} ({ident}): needs a path or an http(s) url")
