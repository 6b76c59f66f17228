"""One handle on an archive: its database, its WARC directory and its service."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.db import ensure_schema, make_engine, session_factory
from newsarchive.storage.warc.store import WarcStore
from newsarchive.storage.write.service import ArchiveService


class Archive:
    """Opens (and on first use creates or upgrades) the archive described by a config."""

    def __init__(self, config: ArchiveConfig, *, migrate: bool = True) -> None:
        self.config = config
        self.engine: Engine = make_engine(config.db_url)
        if migrate:
            ensure_schema(self.engine)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        self.service = ArchiveService(self.sessions)

    @classmethod
    def open(cls, home: str | None = None, db_url: str | None = None, *, migrate: bool = True) -> Archive:
        return cls(ArchiveConfig.resolve(home, db_url), migrate=migrate)

    @cached_property
    def warc(self) -> WarcStore:
        return WarcStore(self.config.warc_dir)

    def close(self) -> None:
        if "warc" in self.__dict__:
            self.warc.close()
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
