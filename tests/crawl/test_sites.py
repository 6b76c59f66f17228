"""Site families: registrable domains from the bundled Public Suffix List, never fetched at run time."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newsarchive.crawler.crawl.discovery.sites import host_matches, registrable_domain, same_family


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("feeds.bbci.co.uk", "bbci.co.uk"),
        ("a.b.example.com.au", "example.com.au"),
        ("EXAMPLE.com.", "example.com"),
        ("alice.github.io", "alice.github.io"),  # a private suffix: each user's site is its own
        ("www.example-news.test", "example-news.test"),  # no listed suffix: the last label is one
        ("localhost", "localhost"),
        ("127.0.0.1", "127.0.0.1"),
    ],
)
def test_registrable_domains(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def test_section_page_links_stay_in_the_family_or_named_hosts() -> None:
    page = "https://example.com/world/"
    assert same_family("https://www.example.com/2026/a.html", page)
    assert not same_family("https://www.example.co.uk/2026/a.html", page)
    assert same_family("https://www.example.co.uk/2026/a.html", page, ["example.co.uk"])
    assert not same_family("https://notexample.co.uk/a.html", page, ["example.co.uk"])
    assert host_matches("news.example.co.uk", ["example.co.uk"])
    assert not host_matches("badexample.co.uk", ["example.co.uk"])


def test_the_suffix_list_is_never_downloaded() -> None:
    # A fresh interpreter with every socket refused: the first lookup must
    # still answer from the bundled snapshot (and say nothing on stderr).
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "from newsarchive.crawler.crawl.discovery.sites import registrable_domain\n"
        "print(registrable_domain('news.bbc.co.uk'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "bbc.co.uk"
    assert "network used" not in done.stderr
