"""How far an import got through one WARC file: what makes `newsarchive import` resumable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from newsarchive.storage.models.base import Base, UTCDateTime, utcnow


class ImportCheckpoint(Base):
    __tablename__ = "import_checkpoints"
    # A file is known by its path, size and modification time: a file rewritten
    # in place (same name, new content) starts again from its first record.
    # `scope` names the import's selection (filters, source, --copy): the same
    # file imported again with other filters is another import.
    __table_args__ = (UniqueConstraint("path", "size", "mtime_ns", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(Text)  # absolute
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    scope: Mapped[str] = mapped_column(String(64))
    # Every record before this offset is in the archive (or was counted as skipped).
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ImportCheckpoint {self.path} @{self.offset}{' done' if self.done else ''}>"
