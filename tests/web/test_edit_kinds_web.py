"""Kinds of edit in the API (changes and versions) and on the web pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import URL, Seeded


def test_api_changes_filter_by_kind(client: TestClient, seeded: Seeded) -> None:
    data = client.get("/changes", params={"kind": "wording"}).json()
    assert [(c["url"], c["version"], c["kinds"]) for c in data["changes"]] == [
        (URL, 2, ["headline", "wording"])
    ]
    both = client.get("/changes", params=[("kind", "typo"), ("kind", "headline")]).json()["changes"]
    assert [c["version"] for c in both] == [2]
    assert client.get("/changes", params={"kind": "typo"}).json() == {"changes": []}
    assert len(client.get("/changes").json()["changes"]) == 1  # the xss article has one version: no edit
    bad = client.get("/changes", params={"kind": "tyop"})
    assert bad.status_code == 400 and "unknown edit kind 'tyop'" in bad.json()["detail"]


def test_api_versions_carry_kinds(client: TestClient, seeded: Seeded) -> None:
    versions = client.get(f"/articles/{seeded.budget}/versions").json()["versions"]
    assert [(v["kinds"], v["revert_of"]) for v in versions] == [(None, None), (["headline", "wording"], None)]
    latest = client.get(f"/versions/{versions[1]['version_id']}").json()
    assert latest["kinds"] == ["headline", "wording"]


def test_pages_show_and_filter_kinds(client: TestClient, seeded: Seeded) -> None:
    page = client.get(f"/web/articles/{seeded.budget}").text
    assert 'href="/web/changes?kind=wording">wording</a>' in page
    listed = client.get("/web/changes", params={"kind": "headline"})
    assert listed.status_code == 200 and "Council rejects budget" in listed.text and "1 edit," in listed.text
    assert "0 edits" in client.get("/web/changes", params={"kind": "rewrite"}).text
    bad = client.get("/web/changes", params={"kind": "<b>x</b>"})
    assert bad.status_code == 400 and "<b>x</b>" not in bad.text
