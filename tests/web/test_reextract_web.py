"""Extractor changes on the API and the pages: hidden from edits unless asked, marked on the timeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from newsarchive.crawler.reextract.runner import ReextractOptions, Reextractor
from newsarchive.storage.archive import Archive
from newsarchive.storage.models import Article
from tests.reextract import changed_extractor
from tests.reextract.test_reextract import A, imported
from tests.web.conftest import MakeClient


def test_changes_hide_extractor_versions_unless_asked(
    archive: Archive, make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(archive, tmp_path)
    changed_extractor.install(monkeypatch)
    Reextractor(archive, ReextractOptions(workers=0)).run()
    client = make_client()
    edits = client.get("/changes").json()["changes"]
    assert [(c["url"], c["version"], c["cause"]) for c in edits] == [(A, 4, "edit")]
    everything = client.get("/changes", params={"include_extractor": "true"}).json()["changes"]
    assert sorted(c["cause"] for c in everything) == ["edit", "extractor", "extractor", "extractor"]
    page = client.get("/web/changes").text
    assert "1 edit," in page and "extractor change" not in page.split("</form>")[1]
    with_extractor = client.get("/web/changes", params={"extractor": "1"}).text
    assert "4 edits" in with_extractor and with_extractor.count("<strong>extractor change</strong>") == 3
    with archive.sessions() as session:
        article_id = session.scalar(select(Article.id).where(Article.canonical_url == A))
    timeline = client.get(f"/web/articles/{article_id}").text
    assert timeline.count("Superseded:") == 2 and timeline.count("Extractor change</strong>") == 1
    versions = client.get(f"/articles/{article_id}/versions").json()
    assert [(v["version"], v["cause"], v["superseded"]) for v in versions["versions"]] == [
        (1, "edit", True),
        (2, "edit", True),
        (3, "extractor", False),
        (4, "edit", False),
    ]
