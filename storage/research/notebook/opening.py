"""Where a notebook's archive is, and opening it without the power to change it.

`open_archive()` takes what a researcher has at hand: nothing (the user's
own archive, as the CLI finds it), a data directory, the archive.db file
itself, or a database URL. Read-only is enforced by the database, not by
good intentions: SQLite connections run with `PRAGMA query_only`, PostgreSQL
sessions default to read-only transactions, so even a raw SQL statement
typed into the notebook cannot write. A read-only open never creates or
upgrades anything: a path with no archive is an error, not a new empty one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from newsarchive.storage.config import ArchiveConfig

# A path that does not exist yet is a database file if it is named like one, else a data directory.
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


class ArchiveUnavailable(LookupError):
    """No archive where one was asked for, or one this version of newsarchive cannot read as it is."""


def resolve(location: str | Path | None, home: str | Path | None = None) -> ArchiveConfig:
    """The archive at `location`: None, a data directory, a SQLite file, or a database URL."""
    if location is None:
        return ArchiveConfig.resolve(home)
    text = str(location)
    if "://" in text:
        try:
            make_url(text)
        except ArgumentError:
            raise ArchiveUnavailable("not a database URL (sqlite:///PATH or postgresql://...)") from None
        return ArchiveConfig.resolve(home, text)
    path = Path(text).expanduser()
    if path.is_dir() or (not path.exists() and path.suffix.lower() not in SQLITE_SUFFIXES):
        return ArchiveConfig.resolve(home or path)
    # A database file: its WARC directory is the one beside it, as the CLI lays them out.
    return ArchiveConfig(home=Path(home).expanduser() if home else path.parent, db_url=f"sqlite:///{path}")


def shown(url: str) -> str:
    """A URL fit for an error message: never the password."""
    return make_url(url).render_as_string(hide_password=True)


def check_exists(config: ArchiveConfig) -> None:
    """A SQLite file must exist before a read-only open: connecting would create an empty one."""
    url = make_url(config.db_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    path = Path(url.database).expanduser()
    if not path.is_file():
        raise ArchiveUnavailable(
            f"no archive at {path}: capture or crawl something first, or give open_archive() "
            "the data directory, the archive.db file or the database URL"
        )


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


def _postgres_read_only(dbapi_connection: Any, _record: Any) -> None:
    # psycopg runs this outside any transaction block (autocommit is off, so
    # it opens one): commit it so the setting holds for the whole session.
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    cursor.close()
    dbapi_connection.commit()


def make_read_only(engine: Engine) -> None:
    """Every connection `engine` opens from now on refuses writes (the engine must be unused)."""
    listener = _sqlite_read_only if engine.dialect.name == "sqlite" else _postgres_read_only
    event.listen(engine, "connect", listener)
