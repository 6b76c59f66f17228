"""Headline A/B tests, story clusters and detected languages end to end, through the local test sites."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article
from tests.crawl.conftest import FAST, run_cli, summary
from tests.helpers import capture, json_output, newsarchive
from tests.site import hosts as H
from tests.site.families import NEWS, NEWS_WIRE, PAPER, PAPER_WIRE
from tests.site.response import Response
from tests.site.server import NewsSite
from tests.site.web import NewsWeb

ALTERNATIVE = "You will not believe what the council decided"


def test_a_headline_ab_test_on_the_site_is_flagged_with_its_headlines(
    news_site: NewsSite, archive_config: ArchiveConfig
) -> None:
    spec = news_site.articles[2]
    url = news_site.article_url(spec.slug)
    news_site.start_headline_test(spec.slug, [spec.title, ALTERNATIVE])
    for _ in range(3):  # the site serves the original, the alternative, the original
        done = capture(archive_config, url)
        assert done.returncode == 0, done.stderr
    shown = json_output(newsarchive(archive_config, "show", url, "--json"))
    [test] = shown["headline_tests"]
    assert [s["title"] for s in test["shown"]] == [spec.title, ALTERNATIVE, spec.title]
    assert (test["headlines"], test["flips"], test["versions"]) == (2, 1, [1, 3])
    assert shown["kinds"] == ["headline", "revert", "headline-test"]
    edits = json_output(newsarchive(archive_config, "changes", "--ab-tests", "--json"))
    assert sorted(e["version"] for e in edits) == [2, 3] and {e["url"] for e in edits} == {url}
    # An ordinary headline edit elsewhere is no test.
    other = news_site.articles[3]
    other_url = news_site.article_url(other.slug)
    assert capture(archive_config, other_url).returncode == 0
    news_site.edit_headline(other.slug, "A corrected headline")
    assert capture(archive_config, other_url).returncode == 0
    assert json_output(newsarchive(archive_config, "show", other_url, "--json"))["headline_tests"] == []
    history = newsarchive(archive_config, "history", url)
    assert "headline test v1..v3: 2 headlines alternating" in history.stdout


def _sources(web: NewsWeb) -> str:
    return (
        '[[source]]\nname = "example-news"\n'
        f'feeds = ["{web.url(H.NEWS_FEEDS, "/rss.xml")}"]\n'
        '[[source]]\nname = "other-paper"\n'
        f'feeds = ["{web.url(H.PAPER_FEEDS, "/other-paper.xml")}"]\n'
    )


FRENCH = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Le marché couvert rouvre</title></head>"
    "<body><article><h1>Le marché couvert rouvre ses portes</h1>"
    "<p>Après deux années de travaux, le marché couvert du centre-ville a rouvert ses portes samedi matin "
    "devant une foule de clients venus découvrir les nouveaux étals des producteurs de la région.</p>"
    "<p>La municipalité a financé la rénovation de la halle, dont la charpente métallique avait été "
    "fragilisée par les intempéries, et les commerçants se disent satisfaits du résultat.</p>"
    "</article></body></html>"
)


def test_a_wire_story_on_two_sites_is_one_cluster_and_an_undeclared_language_is_detected(
    news_web: NewsWeb, sqlite_config: ArchiveConfig, write_sources: Callable[[str], Path]
) -> None:
    result = run_cli(
        sqlite_config, "crawl", "--sources", str(write_sources(_sources(news_web))), "--json", *FAST,
        *news_web.resolver_args(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert summary(result)["failed_sources"] == []
    www, paper = news_web.url(H.NEWS_WWW, ""), news_web.url(H.PAPER_WWW, "")
    with Archive(sqlite_config) as archive, archive.sessions() as session:
        clusters = dict(session.execute(select(Article.canonical_url, Article.cluster_id)).all())
    assert clusters[www + NEWS_WIRE.path] == clusters[paper + PAPER_WIRE.path] is not None
    others = [clusters[www + s.path] for s in NEWS] + [clusters[paper + s.path] for s in PAPER]
    assert None not in others and len(set(others)) == len(others)
    assert clusters[www + NEWS_WIRE.path] not in others

    done = run_cli(sqlite_config, "similar", paper + PAPER_WIRE.path, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [m["url"] for m in data["similar"]] == [www + NEWS_WIRE.path]
    assert data["similar"][0]["similarity"] == 1.0  # word for word
    first = data["cluster"]["first_domain"]
    assert first in {H.NEWS_WWW, H.PAPER_WWW} and data["similar"][0]["first"] == (first == H.NEWS_WWW)

    # A page that declares no language: detected, and kept apart from the declared one.
    news_web.set_route(
        H.PAPER_WWW, "/fr/marche.html", Response(200, FRENCH.encode(), "text/html; charset=utf-8")
    )
    done = capture(sqlite_config, paper + "/fr/marche.html", extra=tuple(news_web.resolver_args()))
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(run_cli(sqlite_config, "show", paper + "/fr/marche.html", "--json").stdout)
    assert (shown["language"], shown["detected_language"]) == (None, "fr")
    german = json.loads(run_cli(sqlite_config, "show", paper + PAPER[1].path, "--json").stdout)
    assert (german["language"], german["detected_language"]) == ("de", None)
    hits = json.loads(run_cli(sqlite_config, "search", "--detected-language", "fr", "--json").stdout)["hits"]
    assert [h["url"] for h in hits] == [paper + "/fr/marche.html"]
    declared = json.loads(run_cli(sqlite_config, "search", "--language", "fr", "--json").stdout)["hits"]
    assert declared == []
    either = json.loads(run_cli(sqlite_config, "search", "--any-language", "de", "--json").stdout)["hits"]
    assert [h["url"] for h in either] == [paper + PAPER[1].path]
