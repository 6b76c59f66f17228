"""What every reliability test checks afterwards: the archive is whole and adds up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Article, Capture, Version
from newsarchive.storage.warc.check import scan, warc_files
from newsarchive.storage.warc.store import WarcLocation, read_response


@dataclass
class Integrity:
    articles: int
    versions: int
    captures: int
    problems: list[str]


def check_archive(config: ArchiveConfig) -> Integrity:
    """Every invariant a crash or a race could break, as a list of problems (empty: whole)."""
    problems: list[str] = []
    with Archive(config) as archive, archive.sessions() as session:
        captures = list(session.scalars(select(Capture).order_by(Capture.id)))
        for row in captures:
            if row.warc_file is None:
                if row.outcome not in ("failed", "skipped"):  # an archived page always has its bytes
                    problems.append(f"capture {row.id} ({row.outcome}) has no WARC record")
                continue
            try:
                stored = read_response(
                    config.warc_dir, WarcLocation(row.warc_file, row.warc_offset, row.warc_length)
                )
            except Exception as exc:  # noqa: BLE001 - any failure to read back is the finding
                problems.append(f"capture {row.id}: WARC record unreadable: {type(exc).__name__}: {exc}")
                continue
            if row.body_size is not None and row.outcome != "failed" and len(stored.body) != row.body_size:
                problems.append(f"capture {row.id}: WARC body {len(stored.body)} B, row says {row.body_size}")
        articles = list(session.scalars(select(Article)))
        for article in articles:
            numbers = list(session.scalars(select(Version.number).where(Version.article_id == article.id)))
            if sorted(numbers) != list(range(1, len(numbers) + 1)):
                problems.append(f"article {article.id}: version numbers {sorted(numbers)}")
            if article.version_count != len(numbers):
                problems.append(
                    f"article {article.id}: version_count {article.version_count} != {len(numbers)}"
                )
            if numbers:
                latest = (
                    session.get(Version, article.latest_version_id) if article.latest_version_id else None
                )
                if latest is None or latest.article_id != article.id or latest.number != max(numbers):
                    problems.append(
                        f"article {article.id}: latest_version_id does not name its newest version"
                    )
        orphans = session.scalar(
            select(func.count())
            .select_from(Version)
            .where(~select(Capture.id).where(Capture.id == Version.first_capture_id).exists())
        )
        if orphans:
            problems.append(f"{orphans} version(s) without their first capture")
        versions = session.scalar(select(func.count()).select_from(Version)) or 0
    problems += warc_problems(config)
    return Integrity(len(articles), versions, len(captures), problems)


def warc_problems(config: ArchiveConfig) -> list[str]:
    """Files that are torn, or that warcio itself cannot read to the end."""
    problems = []
    for path in warc_files(config.warc_dir):
        found = scan(path)
        if found.torn:
            problems.append(found.describe())
            continue
        try:
            with open(path, "rb") as handle:
                for record in ArchiveIterator(handle):
                    record.content_stream().read()
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{path.name}: warcio cannot read it: {exc}")
    return problems
