"""The extracted article is one typed record from the extractor to the archive, and outcomes are an enum.

The extractor's Article and the archive's ExtractedArticle cannot import each
other (extract and storage are independent), so these tests hold them to the
same shape: a field added or renamed on one side only fails here.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from newsarchive.crawler.crawl.pipeline.extraction import archived_article, extract_fields
from newsarchive.crawler.extract import Article, Caption
from newsarchive.storage.archive import Archive
from newsarchive.storage.fetch import ExtractedArticle, ExtractedCaption, ExtractedContent, Fetch
from newsarchive.storage.models.capture import OUTCOMES, Outcome

AT = datetime(2026, 3, 1, tzinfo=UTC)
HTML = (
    b"<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1>"
    + b"<p>The harbour reopened on Monday after two weeks of repairs to the old sea wall.</p>" * 5
    + b"<figure><img src='/wall.jpg' alt='The wall'><figcaption>The sea wall. Photo: Ann Lee</figcaption>"
    + b"</figure></article></body></html>"
)


def _names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def test_the_archive_record_has_the_extractors_fields_in_order() -> None:
    assert _names(ExtractedArticle) == _names(Article)
    assert _names(ExtractedCaption) == _names(Caption)


def test_conversion_keeps_every_value() -> None:
    article = Article(
        url="https://news.example/a",
        title="T",
        text="Body",
        authors=["A"],
        published="2026-03-01",
        modified="2026-03-02",
        language="en",
        detected_language="en",
        sitename="News",
        description="D",
        captions=[Caption("c", "credit", "/x.jpg", "alt")],
        images=["/x.jpg"],
        flags=["paywall"],
        canonical_url="https://news.example/a",
        kind="tag_page",
    )
    # Every field set to a non-default value, so a dropped field would show.
    assert all(getattr(article, name) for name in _names(Article))
    assert archived_article(article).as_fields() == article.to_dict()


def test_the_pool_function_returns_the_typed_record() -> None:
    record = extract_fields(HTML, "http://127.0.0.1/harbour.html", AT)
    assert isinstance(record, ExtractedArticle)
    assert "sea wall" in record.text


def test_from_fields_refuses_an_unknown_field() -> None:
    with pytest.raises(TypeError):
        ExtractedArticle.from_fields({"title": "T", "text": "x", "headline": "renamed?"})


def test_outcomes_serialise_and_store_as_the_old_strings(archive: Archive) -> None:
    assert OUTCOMES == (
        "new_article",
        "new_version",
        "unchanged",
        "not_modified",
        "gone",
        "failed",
        "skipped",
        "walled",
        "requisite",
    )
    assert json.dumps({"outcome": Outcome.NEW_VERSION}) == '{"outcome": "new_version"}'
    assert Outcome.UNCHANGED == "unchanged" and f"{Outcome.GONE}" == "gone"
    fetch = Fetch(requested_url="https://news.example/a", final_url="https://news.example/a", fetched_at=AT)
    content = ExtractedContent(ExtractedArticle(url=None, title="T", text="Words here."), "test", "1")
    first = archive.service.record_capture(fetch, content)
    again = archive.service.record_capture(dataclasses.replace(fetch), content)
    assert (first.outcome, again.outcome) == (Outcome.NEW_ARTICLE, Outcome.UNCHANGED)
    with archive.sessions() as session:
        stored = session.execute(text("SELECT outcome FROM captures ORDER BY id")).scalars().all()
    assert stored == ["new_article", "unchanged"]
    assert all(type(value) is str for value in stored)
