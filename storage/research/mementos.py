"""The archive's captures of one URL as mementos: what replay and the Memento protocol list.

A memento is a capture whose raw response is in a WARC file, found by the URL
asked for (requested or final) or by the article it belongs to (so a typed
canonical URL finds captures made from a feed link with tracking parameters).
Timestamps are the Wayback Machine's 14 digits (UTC, to the second); two
captures in one second are one memento, the later one, because a URL with a
14-digit timestamp must name exactly one capture.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from newsarchive.storage.models import Article, Capture, Version
from newsarchive.storage.warc.store import WarcLocation

STAMP_FORMAT = "%Y%m%d%H%M%S"
# A short timestamp is padded with the start of the period it names (as pywb does).
_PAD = "00000101000000"
# Too many URLs in one IN list is slow on SQLite and refused past 32766 parameters.
_CHUNK = 500


class BadTimestamp(ValueError):
    """Not a Wayback timestamp (4 to 14 digits naming a real moment)."""


@dataclass(frozen=True)
class Memento:
    capture_id: int
    url: str  # the URL whose response the WARC record holds
    at: datetime  # UTC
    location: WarcLocation
    status: int
    content_type: str | None
    article_id: int | None
    version_id: int | None
    body_sha256: str | None = None  # the digest the capture recorded: replay checks the bytes against it

    @property
    def stamp(self) -> str:
        return stamp(self.at)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def parse_stamp(text: str) -> datetime:
    """A 4 to 14 digit timestamp as the start of the period it names ("2026" is 2026-01-01 00:00:00)."""
    if not (text.isascii() and text.isdigit()) or not 4 <= len(text) <= 14:
        raise BadTimestamp(f"not a timestamp (4 to 14 digits, YYYYMMDDhhmmss): {text!r}")
    padded = text + _PAD[len(text) :]
    try:
        return datetime.strptime(padded, STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise BadTimestamp(f"timestamp {text!r} names no real moment") from None


def url_variants(url: str) -> list[str]:
    """The URL as given, and with the other scheme (archives key URLs without their scheme)."""
    if url.startswith("https://"):
        return [url, "http://" + url.removeprefix("https://")]
    if url.startswith("http://"):
        return [url, "https://" + url.removeprefix("http://")]
    return ["https://" + url, "http://" + url]


def _replayable() -> list[ColumnElement[bool]]:
    # A 304 answer carries no page: it says "as before", so it is no memento of its own.
    return [
        Capture.warc_file.is_not(None),
        Capture.warc_offset.is_not(None),
        Capture.status_code.is_not(None),
        Capture.status_code != 304,
    ]


def mementos(session: Session, url: str) -> list[Memento]:
    """Every memento of `url`, oldest first, one per second; the exact scheme first, then the other."""
    for variant in dict.fromkeys(url_variants(url)):
        found = _mementos_of(session, variant)
        if found:
            return found
    return []


_COLUMNS = (
    Capture.id,
    Capture.requested_url,
    Capture.final_url,
    Capture.fetched_at,
    Capture.warc_file,
    Capture.warc_offset,
    Capture.warc_length,
    Capture.status_code,
    Capture.content_type,
    Capture.article_id,
    Capture.version_id,
    Capture.body_sha256,
)


def _mementos_of(session: Session, url: str) -> list[Memento]:
    articles = select(Article.id).where(Article.canonical_url == url).scalar_subquery()
    rows = session.execute(
        # Only the columns a memento needs: a URL revisited for years has thousands of captures.
        select(*_COLUMNS)
        .where(
            or_(Capture.requested_url == url, Capture.final_url == url, Capture.article_id == articles),
            *_replayable(),
        )
        .order_by(Capture.fetched_at, Capture.id)
    )
    by_second: dict[str, Memento] = {}
    for row in rows:
        memento = Memento(
            capture_id=row.id,
            url=row.final_url or row.requested_url,
            at=row.fetched_at.astimezone(UTC),
            location=WarcLocation(row.warc_file, row.warc_offset, row.warc_length or 0),
            status=row.status_code,
            content_type=row.content_type,
            article_id=row.article_id,
            version_id=row.version_id,
            body_sha256=row.body_sha256,
        )
        by_second[memento.stamp] = memento  # the later capture of a second wins
    return list(by_second.values())


def nearest(found: Sequence[Memento], text: str) -> int:
    """Index of the memento a (possibly short) timestamp selects.

    A timestamp that is a prefix of some mementos' (a year, a day) selects the
    earliest of them; otherwise the memento nearest the moment it names, the
    earlier on a tie. `found` is oldest first and not empty.
    """
    moment = parse_stamp(text)
    if len(text) < 14:
        for index, memento in enumerate(found):
            if memento.stamp.startswith(text):
                return index
    return nearest_to(found, moment)


def nearest_to(found: Sequence[Memento], moment: datetime) -> int:
    """Index of the memento nearest a moment (the earlier on a tie); `found` is not empty."""
    return min(range(len(found)), key=lambda i: (abs(found[i].at - moment), i))


def held(session: Session, urls: Iterable[str]) -> set[str]:
    """The URLs among `urls` that the archive holds a successful (2xx) response for."""
    wanted = sorted(set(urls))
    found: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for requested, final in session.execute(
            select(Capture.requested_url, Capture.final_url).where(
                or_(Capture.requested_url.in_(chunk), Capture.final_url.in_(chunk)),
                *_replayable(),
                # A resource is only worth pointing at when it was served: a 404
                # page in place of an image would only be refused by the browser.
                Capture.status_code.between(200, 299),
            )
        ):
            found.update(u for u in (requested, final) if u in chunk)
    return found


@dataclass(frozen=True)
class VersionPlace:
    number: int  # the article's version this capture showed
    count: int  # the article's versions in all


def version_place(session: Session, memento: Memento) -> VersionPlace | None:
    """Which of its article's versions a memento showed; None for a page that is no version."""
    if memento.version_id is None:
        return None
    version = session.get(Version, memento.version_id)
    article = session.get(Article, version.article_id) if version is not None else None
    if version is None or article is None:
        return None
    return VersionPlace(version.number, article.version_count)
