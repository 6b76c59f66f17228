"""Headline tests and story clusters in the API and on the article page."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from newsarchive.storage.archive import Archive
from tests.stories.test_minhash import STORY
from tests.web.conftest import T0, MakeClient, record

WIRE = "https://news.example.com/2026/03/01/floods.html"
COPY = "https://herald.example.org/world/floods-hold"
ALONE = "https://news.example.com/2026/03/01/alone.html"


def seed(archive: Archive) -> tuple[int, int]:
    wire = record(archive, T0, url=WIRE, title="Floods", text=STORY)
    for minutes, title in ((20, "Flood walls hold"), (40, "Floods"), (60, "Flood walls hold")):
        record(archive, T0 + timedelta(minutes=minutes), url=WIRE, title=title, text=STORY)
    copy = record(archive, T0 + timedelta(hours=2), url=COPY, title="River wall holds", text="(AP) " + STORY)
    record(archive, T0, url=ALONE, title="Alone", text="A short brief with too few words to compare.")
    return wire, copy


def test_api_article_carries_headline_tests_cluster_and_other_outlets(
    make_client: MakeClient, archive: Archive
) -> None:
    wire, copy = seed(archive)
    client = make_client()
    data = client.get(f"/articles/{copy}").json()
    assert data["headline_tests"] == []
    assert (
        data["cluster"]["first_article_id"] == wire and data["cluster"]["first_domain"] == "news.example.com"
    )
    assert data["cluster"]["size"] == 2
    [other] = data["also_published_by"]
    assert (other["url"], other["first"]) == (WIRE, True) and other["similarity"] > 0.9
    tested = client.get(f"/articles/{wire}").json()
    [test] = tested["headline_tests"]
    assert [s["title"] for s in test["shown"]] == ["Floods", "Flood walls hold", "Floods", "Flood walls hold"]
    assert (test["headlines"], test["flips"]) == (2, 2)
    similar = client.get(f"/articles/{wire}/similar").json()
    assert [m["url"] for m in similar["similar"]] == [COPY] and similar["cluster"]["cluster_id"] > 0
    hits = client.get("/articles", params={"cluster": data["cluster"]["cluster_id"]}).json()["hits"]
    assert sorted(h["url"] for h in hits) == sorted([WIRE, COPY])
    assert {h["cluster_id"] for h in hits} == {data["cluster"]["cluster_id"]}
    flagged = client.get("/changes", params={"kind": "headline-test"}).json()["changes"]
    assert sorted(c["version"] for c in flagged) == [2, 3, 4]
    assert client.get("/articles", params={"cluster": 0}).status_code == 422
    assert client.get("/articles/999999/similar").status_code == 404


def test_article_page_shows_also_published_by_and_headline_tests(
    make_client: MakeClient, archive: Archive
) -> None:
    wire, copy = seed(archive)
    client: TestClient = make_client()
    page = client.get(f"/web/articles/{copy}").text
    assert "Also published by" in page and f'href="/web/articles/{wire}">news.example.com</a>' in page
    assert "had it first" in page and "Headline tests" not in page
    tested = client.get(f"/web/articles/{wire}").text
    assert "Headline tests" in tested and "2 headlines, 2 switches back" in tested
    assert f'href="/web/articles/{copy}">herald.example.org</a>' in tested
    alone = client.get("/web/articles/" + str(archive.service.article_id_for_url(ALONE))).text
    assert "No other outlet in the archive." in alone
    assert "headline-test" in client.get("/web/changes", params={"kind": "headline-test"}).text
