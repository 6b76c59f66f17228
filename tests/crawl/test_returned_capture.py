"""The issue's reproduction: 404 (gone), then the same page again through `capture`."""

from __future__ import annotations

from sqlalchemy import select

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import ArticleEvent
from newsarchive.storage.research.read import find_article
from tests.helpers import capture_json
from tests.site.server import NewsSite


def test_an_unchanged_page_back_after_a_404_is_live_again(
    news_site: NewsSite, sqlite_config: ArchiveConfig
) -> None:
    spec = news_site.articles[0]
    assert capture_json(sqlite_config, spec.url)[0]["outcome"] == "new_article"
    news_site.delete(spec.slug, 404)
    assert capture_json(sqlite_config, spec.url)[0]["outcome"] == "gone"
    news_site.restore(spec.slug)
    [back] = capture_json(sqlite_config, spec.url)
    assert (back["outcome"], back["version"]) == ("unchanged", 1)
    with Archive(sqlite_config) as archive, archive.sessions() as session:
        assert find_article(session, spec.url).status == "live"
        assert list(session.scalars(select(ArticleEvent.kind).order_by(ArticleEvent.id))) == [
            "gone",
            "returned",
        ]
