"""Story clusters through the real write path, on SQLite and PostgreSQL: grouped, first seen, listed, filtered."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import delete, select, update

from newsarchive.crawler.cli import main
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article, StoryBand, StoryCluster, StorySignature
from newsarchive.storage.research.export.formats import export
from newsarchive.storage.research.search.query import SearchQuery, search
from newsarchive.storage.research.stories import also_published_by, cluster_info, similar
from tests.research.conftest import T0, capture
from tests.stories.test_minhash import OTHER, STORY

WIRE_A = "https://daily.example.com/world/floods-hold.html"
WIRE_B = "https://herald.example.org/news/2026/03/02/river-defences-hold"
MOVED = "https://daily.example.com/world/2026/floods-hold-updated.html"
BANK = "https://daily.example.com/business/rates.html"
SHORT = "https://herald.example.org/briefs/1"


def cluster_of(archive: Archive, url: str) -> int | None:
    with archive.sessions() as session:
        return session.scalar(select(Article.cluster_id).where(Article.canonical_url == url))


def wire_story(archive: Archive) -> None:
    """One wire story at two outlets (the second with its own lead and sign-off), moved once; another story."""
    capture(archive, WIRE_A, T0, source="daily", title="Flood defences hold", text=STORY)
    herald = "By our correspondent and agencies.\n" + STORY.replace("on Tuesday", "late on Tuesday")
    capture(
        archive, WIRE_B, T0 + timedelta(minutes=45), source="herald", title="River wall holds", text=herald
    )
    capture(archive, MOVED, T0 + timedelta(hours=2), source="daily", title="Flood defences hold", text=STORY)
    capture(archive, BANK, T0 + timedelta(hours=3), source="daily", title="Rates unchanged", text=OTHER)


def test_copies_of_one_story_share_a_cluster_that_knows_who_had_it_first(archive: Archive) -> None:
    wire_story(archive)
    ids = {url: cluster_of(archive, url) for url in (WIRE_A, WIRE_B, MOVED, BANK)}
    assert None not in ids.values()
    assert ids[WIRE_A] == ids[WIRE_B] == ids[MOVED] != ids[BANK]
    with archive.sessions() as session:
        cluster = session.get(StoryCluster, ids[WIRE_A])
        assert cluster is not None
        assert (cluster.size, cluster.first_domain, cluster.first_source) == (3, "daily.example.com", "daily")
        assert cluster.first_seen_at == T0
        herald = session.scalar(select(Article).where(Article.canonical_url == WIRE_B))
        assert herald is not None
        members = similar(session, herald)
        assert [(m.url, m.first) for m in members] == [(WIRE_A, True), (MOVED, False)]
        assert all(m.similarity is not None and 0.6 < m.similarity <= 1.0 for m in members)
        # "Also published by": one line per other outlet, the earliest copy there.
        assert [m.url for m in also_published_by(session, herald)] == [WIRE_A]
        signature = session.get(StorySignature, herald.id)
        assert signature is not None and signature.similarity is not None and signature.similarity >= 0.5


def test_an_earlier_copy_found_later_becomes_the_first(archive: Archive) -> None:
    wire_story(archive)
    early = "https://early.example.net/floods"
    capture(archive, early, T0 - timedelta(hours=5), source="early", title="Floods", text=STORY)
    with archive.sessions() as session:
        article = session.scalar(select(Article).where(Article.canonical_url == WIRE_A))
        assert article is not None
        info = cluster_info(session, article)
        assert info is not None
        assert (info.size, info.first_domain, info.first_seen) == (
            4,
            "early.example.net",
            T0 - timedelta(hours=5),
        )


def test_a_text_too_short_to_compare_is_a_cluster_of_its_own(archive: Archive) -> None:
    wire_story(archive)
    capture(archive, SHORT, T0, title="Brief", text="Flood defences held overnight.")
    with archive.sessions() as session:
        short_id = session.scalar(select(Article.id).where(Article.canonical_url == SHORT))
        assert session.get(StorySignature, short_id) is None
        assert session.scalars(select(StoryBand).where(StoryBand.article_id == short_id)).all() == []
    assert cluster_of(archive, SHORT) not in {cluster_of(archive, WIRE_A), cluster_of(archive, BANK), None}


def run(config: ArchiveConfig, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--home", str(config.home), "--db", config.db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_similar_search_and_exports_carry_the_cluster(
    archive: Archive, archive_config: ArchiveConfig, tmp_path: Path
) -> None:
    wire_story(archive)
    cluster = cluster_of(archive, WIRE_A)
    code, out, _ = run(archive_config, "similar", WIRE_B, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["cluster"]["cluster_id"] == cluster and data["cluster"]["first_domain"] == "daily.example.com"
    assert [(m["url"], m["first"]) for m in data["similar"]] == [(WIRE_A, True), (MOVED, False)]
    code, out, _ = run(archive_config, "similar", WIRE_B)
    assert code == 0 and f"story cluster {cluster}: 3 articles, first seen at daily.example.com" in out
    assert f"{WIRE_A} (first)" in out
    code, out, _ = run(archive_config, "similar", BANK, "--csv")
    assert code == 0 and out.splitlines() == ["first_seen,domain,source,url,similarity,first,article_id"]

    with archive.sessions() as session:
        page = search(session, SearchQuery(cluster=cluster, limit=10))
        assert sorted(hit.url for hit in page.hits) == sorted([WIRE_A, WIRE_B, MOVED])
        assert {hit.cluster_id for hit in page.hits} == {cluster}
        export(session, SearchQuery(cluster=cluster), "jsonl", tmp_path / "story.jsonl", warc_dir=tmp_path)
    rows = [json.loads(line) for line in (tmp_path / "story.jsonl").read_text().splitlines()]
    assert sorted((r["url"], r["cluster_id"]) for r in rows) == sorted(
        (u, cluster) for u in (WIRE_A, WIRE_B, MOVED)
    )
    code, out, _ = run(archive_config, "search", "--cluster", str(cluster), "--json")
    assert code == 0 and len(json.loads(out)["hits"]) == 3


def test_cluster_stories_puts_articles_stored_before_0012_into_clusters(
    archive: Archive, archive_config: ArchiveConfig
) -> None:
    wire_story(archive)
    with archive.sessions() as session, session.begin():  # as an archive from before migration 0012
        for model in (StoryBand, StorySignature, StoryCluster):
            session.execute(delete(model))
        session.execute(update(Article).values(cluster_id=None))
    code, out, _ = run(archive_config, "db", "cluster-stories")
    assert code == 0 and "clustered 4 articles" in out
    assert cluster_of(archive, WIRE_A) == cluster_of(archive, WIRE_B) == cluster_of(archive, MOVED)
    assert cluster_of(archive, BANK) != cluster_of(archive, WIRE_A)
    assert "clustered 0 articles" in run(archive_config, "db", "cluster-stories")[1]
