"""pytest fixtures for the local news site (enable with pytest_plugins = ["tests.site.plugin"])."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.site.remote import SiteProcess
from tests.site.server import NewsSite
from tests.site.web import NewsWeb


@pytest.fixture
def news_site() -> Iterator[NewsSite]:
    """A fresh site in this process, per test: edits never leak between tests."""
    site = NewsSite()
    try:
        yield site
    finally:
        site.close()


@pytest.fixture
def news_site_process() -> Iterator[SiteProcess]:
    """A fresh site in its own process, for code under test that runs in other processes."""
    site = SiteProcess()
    try:
        yield site
    finally:
        site.close()


@pytest.fixture
def news_web() -> Iterator[NewsWeb]:
    """The local news web (several sites by host name on one port), per test."""
    web = NewsWeb()
    try:
        yield web
    finally:
        web.close()
