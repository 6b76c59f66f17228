"""A small archive shaped for the pages: two sources over ten days, edits, a long article, many versions.

Used by the page tests (TestClient) and the browser tests alike, so what the
screenshots show is what the assertions check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from newsarchive.storage.archive import Archive
from newsarchive.storage.fetch import ExtractedArticle, ExtractedContent, Fetch
from tests.web.conftest import T0

LONG_URL = "https://daily.example.com/2026/03/05/report.html"
MANY_URL = "https://weekly.example.com/2026/03/03/storm.html"
EDIT_PARAGRAPH = 50  # of LONG_PARAGRAPHS; the seven changed words sit there
LONG_PARAGRAPHS = 60
OLD_WORDS = "the committee will meet again next spring"
NEW_WORDS = "the committee has been dissolved by decree"


def long_text(edited: bool) -> str:
    paragraphs = []
    for number in range(1, LONG_PARAGRAPHS + 1):
        tail = NEW_WORDS if edited and number == EDIT_PARAGRAPH else OLD_WORDS
        paragraphs.append(
            f"Paragraph {number} of the harbour report describes the works on pier {number}, "
            f"the costs agreed by the port authority and the budget for the coming year, and {tail}."
        )
    return "\n".join(paragraphs)


def put(
    archive: Archive,
    at: datetime,
    url: str,
    source: str | None,
    title: str,
    text: str,
    published: str | None = None,
) -> int:
    fields = {
        "title": title,
        "text": text,
        "authors": ["Staff reporter"],
        "captions": [],
        "published": published or at.date().isoformat(),
        "modified": None,
        "language": "en",
        "canonical_url": url,
    }
    fetch = Fetch(
        requested_url=url, final_url=url, status_code=200, fetched_at=at, body_sha256="cd" * 32, source=source
    )
    result = archive.service.record_capture(
        fetch, ExtractedContent(ExtractedArticle.from_fields(fields), "newsarchive", "test 1")
    )
    assert result.article_id is not None
    return result.article_id


@dataclass(frozen=True)
class PageArchive:
    long: int  # 60 paragraphs, seven words changed in paragraph 50
    many: int  # five versions over two days
    archived: dict[str, int]  # articles per source
    edited: dict[str, int]  # of which edited since


def seed(archive: Archive) -> PageArchive:
    archived = {"daily": 0, "weekly": 0}
    edited = {"daily": 0, "weekly": 0}
    for day in range(10):
        at = T0 + timedelta(days=day, hours=6)
        for n in range(3 if day % 2 else 2):
            source = "daily" if n != 1 else "weekly"
            url = f"https://{source}.example.com/2026/03/{day + 1:02d}/story-{n}.html"
            title = f"Budget talks, day {day + 1}, story {n}" if n != 2 else f"Harbour news {day + 1}"
            put(archive, at, url, source, title, f"The budget for day {day + 1} was debated.\nStory {n}.")
            archived[source] += 1
            if (day + n) % 3 == 0:
                put(
                    archive,
                    at + timedelta(hours=5),
                    url,
                    source,
                    title + " (updated)",
                    "Rewritten budget text.",
                )
                edited[source] += 1
    long = put(
        archive, T0 + timedelta(days=4), LONG_URL, "daily", "Harbour report published", long_text(False)
    )
    put(
        archive,
        T0 + timedelta(days=4, hours=8),
        LONG_URL,
        "daily",
        "Harbour report published",
        long_text(True),
    )
    archived["daily"] += 1
    edited["daily"] += 1
    many = 0
    for step in range(5):
        many = put(
            archive,
            T0 + timedelta(days=2, hours=step * 9),
            MANY_URL,
            "weekly",
            f"Storm reaches the coast: update {step + 1}",
            f"The storm, update {step + 1}.\nWind speeds rose to {80 + step * 10} km/h.",
        )
    archived["weekly"] += 1
    edited["weekly"] += 1
    return PageArchive(long=long, many=many, archived=archived, edited=edited)
