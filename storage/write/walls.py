"""Captures of walls and junk: recorded, kept in the WARC, never a version.

A consent wall, a paywall teaser, a bot challenge, a login wall, a soft 404
or an empty or error shell served with status 200, and a section front, tag
page or gallery index fetched where an article was expected, is what the publisher's
server said at that moment, not an edit of the article: the capture row
keeps its kind (`captures.page_kind`) and its bytes stay in the WARC, the
article keeps its last good version, the article's history gets a "walled"
event, and the revisit schedule tries again soon. A wall on a URL with no
article yet creates no article: the URL stays unarchived, so the next crawl
that lists it fetches it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from newsarchive.storage.crawl_state.revisit_schedule import RevisitStep, next_check
from newsarchive.storage.fetch import Fetch
from newsarchive.storage.models import Article, ArticleEvent
from newsarchive.storage.models.capture import Outcome
from newsarchive.storage.write.capture_rows import capture_row
from newsarchive.storage.write.results import CaptureResult

# Walls are usually passing (a consent prompt shown to some fetches, a bot
# check during a traffic spike): try again after the schedule's shortest
# step, but only for this long after the article was last seen whole; a
# wall that stays is then checked on the ordinary schedule.
RETRY_SOON_FOR = timedelta(days=1)
DEFAULT_RETRY = timedelta(minutes=15)

# What a reader is told per kind (CLI, API, history).
DESCRIPTIONS = {
    "consent_wall": "a consent wall",
    "paywall": "a paywall teaser",
    "bot_challenge": "a bot challenge",
    "login_wall": "a login wall",
    "soft_404": "a 'page not found' page served with status 200",
    "error_page": "an error page served with status 200",
    "empty": "a page with no article text",
    "section_front": "a section front (a list of articles)",
    "tag_page": "a tag, topic or author page (a list of articles)",
    "gallery_index": "a gallery index (a list of pictures or galleries)",
}


def describe(kind: str) -> str:
    return DESCRIPTIONS.get(kind, f"not an article ({kind})")


def walled_work(
    fetch: Fetch,
    kind: str,
    *,
    find: Callable[[Session, str], Article | None],
    schedule: Callable[[str | None], Sequence[RevisitStep]],
    result: type[CaptureResult],
) -> Callable[[Session], CaptureResult]:
    """The transaction body for a capture whose page is `kind`, not the article."""

    def work(session: Session) -> CaptureResult:
        # The wall rarely carries the article's canonical URL: the article is
        # the one archived for the URL asked for (a revisit asks its own URL).
        article = None
        for url in dict.fromkeys(u for u in (fetch.requested_url, fetch.final_url) if u):
            article = find(session, url)
            if article is not None:
                break
        capture = capture_row(fetch, outcome=Outcome.WALLED, article_id=article.id if article else None)
        capture.page_kind = kind
        session.add(capture)
        session.flush()
        status = f"HTTP {fetch.status_code}" if fetch.status_code else "no status"
        if article is None:
            reason = (
                f"{describe(kind)}, not the article: kept in the WARC, nothing archived"
                " (the next crawl that lists the URL fetches it again)"
            )
            return result(Outcome.WALLED, fetch.requested_url, capture.id, reason=reason)
        session.add(
            ArticleEvent(
                article_id=article.id,
                capture_id=capture.id,
                at=fetch.fetched_at,
                kind="walled",
                detail=f"{kind} ({status})",
            )
        )
        _checked(article, fetch.fetched_at, schedule(article.source))
        reason = f"{describe(kind)}, not the article: kept in the WARC; v{article.version_count} stands"
        return result(
            Outcome.WALLED,
            fetch.requested_url,
            capture.id,
            article.id,
            article.canonical_url,
            article.version_count or None,
            reason=reason,
        )

    return work


def _checked(article: Article, at: datetime, steps: Sequence[RevisitStep]) -> None:
    """Looked at, not seen: the last good version stands, and the next check comes soon."""
    article.last_checked_at = max(article.last_checked_at, at)
    ordinary = next_check(article.first_seen_at, article.last_changed_at, at, steps)
    if at - article.last_seen_at > RETRY_SOON_FOR:
        article.next_check_at = ordinary
        return
    soon = at + (min(step.every for step in steps) if steps else DEFAULT_RETRY)
    article.next_check_at = min(ordinary, soon) if ordinary else soon
