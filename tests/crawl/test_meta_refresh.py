"""Which pages skip Scrapy's meta-refresh parse: those whose head cannot hold a refresh."""

from __future__ import annotations

import pytest

from newsarchive.crawler.crawl.downloader.middlewares import cannot_refresh

_REFRESH = '<meta http-equiv="refresh" content="0; url=/x">'


@pytest.mark.parametrize(
    ("body", "skipped"),
    [
        (b"<html><head><title>Story</title></head><body><p>Text</p></body></html>", True),
        (f"<html><head>{_REFRESH}</head></html>".encode(), False),
        (f"<html><head>{_REFRESH.upper()}</head></html>".encode(), False),
        # Past Scrapy's 4096 characters (16 KiB of bytes) it is not looked for either way.
        (b"<html><head>" + b" " * 20000 + _REFRESH.encode() + b"</head></html>", True),
        # UTF-16 and UTF-32 spell the word with NULs: always Scrapy's path.
        (f"<html><head>{_REFRESH}</head></html>".encode("utf-16"), False),
        ("<html><head><title>Story</title></head></html>".encode("utf-32"), False),
        # The word in the text only: Scrapy decides (and finds no refresh).
        (b"<html><body><p>Press refresh to reload.</p></body></html>", False),
    ],
)
def test_cannot_refresh(body: bytes, skipped: bool) -> None:
    assert cannot_refresh(body) is skipped
