"""The archive from Python, for notebooks: typed records, the CLI's search, DataFrames.

    from newsarchive.storage.research.notebook import open_archive

    with open_archive() as archive:                    # the user's archive, read-only
        for article in archive.articles(source="bbc-world"):
            ...
        frame = archive.search_frame("budget", changed=True, published_from="2026-03-01")

See docs/research.md ("From Python").
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from newsarchive.storage.archive import Archive
from newsarchive.storage.db import current_revision, head_revision
from newsarchive.storage.research.notebook.frames import PandasMissing, to_frame
from newsarchive.storage.research.notebook.opening import (
    ArchiveUnavailable,
    check_exists,
    make_read_only,
    resolve,
    shown,
)
from newsarchive.storage.research.notebook.reader import ArchiveReader, UnknownName
from newsarchive.storage.research.notebook.records import (
    ArticleRecord,
    CaptureRecord,
    ChangeRecord,
    DiffRecord,
    DiffRun,
    HitRecord,
    VersionRecord,
)
from newsarchive.storage.research.read import NotFound
from newsarchive.storage.research.search.query import BadQuery

__all__ = [
    "ArchiveReader",
    "ArchiveUnavailable",
    "ArticleRecord",
    "BadQuery",
    "CaptureRecord",
    "ChangeRecord",
    "DiffRecord",
    "DiffRun",
    "HitRecord",
    "NotFound",
    "PandasMissing",
    "UnknownName",
    "VersionRecord",
    "open_archive",
    "to_frame",
]


def open_archive(
    location: str | Path | None = None, *, home: str | Path | None = None, writable: bool = False
) -> ArchiveReader:
    """Open an archive for reading: the user's own when `location` is None (as the CLI finds it:
    NEWSARCHIVE_DB, NEWSARCHIVE_HOME, ~/.local/share/newsarchive), else a data directory, an
    archive.db file or a database URL. `home` says where the WARC files are when it is not
    the database file's directory.

    Read-only unless `writable`: nothing is created or upgraded, and the database itself
    refuses writes. `writable=True` opens as the CLI does (creating or upgrading the schema).
    """
    config = resolve(location, home)
    if writable:
        return ArchiveReader(Archive(config), writable=True)
    check_exists(config)
    archive = Archive(config, migrate=False)
    make_read_only(archive.engine)
    try:
        revision, head = current_revision(archive.engine), head_revision()
    except SQLAlchemyError as exc:
        archive.close()
        cause = exc.orig if isinstance(exc, DBAPIError) else exc  # the driver's words, not SQLAlchemy's
        first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        raise ArchiveUnavailable(f"cannot open the archive at {shown(config.db_url)}: {first}") from None
    if revision != head:
        archive.close()
        if revision is None:
            raise ArchiveUnavailable(f"no archive at {shown(config.db_url)} (no newsarchive schema there)")
        raise ArchiveUnavailable(
            f"the archive at {shown(config.db_url)} has schema {revision}, this newsarchive reads {head}: "
            "run `newsarchive db upgrade` (or open_archive(..., writable=True), which upgrades it)"
        )
    return ArchiveReader(archive, writable=False)
