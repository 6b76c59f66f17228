"""How far a re-extraction got: the last article done, so that a second run carries on after it.

Kept in the import checkpoints table (migration 0010) under a path of its own
and the selection's scope (filters and target extractor): the same command
run again resumes, another selection or another extractor starts afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from newsarchive.storage.models import ImportCheckpoint
from newsarchive.storage.write.service import ArchiveService

# Not a file: a name no absolute path can have.
CHECKPOINT_PATH = "newsarchive reextract"


@dataclass
class RunCheckpoint:
    checkpoint_id: int
    after: int  # every selected article with an id up to this one is done
    done: bool

    @classmethod
    def open(cls, service: ArchiveService, scope: str) -> RunCheckpoint:
        def work(session: Session) -> RunCheckpoint:
            row = session.scalar(
                select(ImportCheckpoint).where(
                    ImportCheckpoint.path == CHECKPOINT_PATH, ImportCheckpoint.scope == scope
                )
            )
            if row is None:
                row = ImportCheckpoint(
                    path=CHECKPOINT_PATH,
                    size=0,
                    mtime_ns=0,
                    scope=scope,
                    offset=0,
                    done=False,
                    updated_at=_now(),
                )
                session.add(row)
                session.flush()
            return cls(row.id, row.offset, row.done)

        return service.in_transaction(work)

    def save(self, session: Session, article_id: int) -> None:
        """Inside the transaction that wrote `article_id`: it and every article before it are done."""
        self.after = max(self.after, article_id)
        session.execute(
            update(ImportCheckpoint)
            .where(ImportCheckpoint.id == self.checkpoint_id)
            .values(offset=self.after, updated_at=_now())
        )

    def flush(self, service: ArchiveService) -> None:
        service.in_transaction(lambda session: self.save(session, self.after))

    def finish(self, service: ArchiveService) -> None:
        def work(session: Session) -> None:
            self.save(session, self.after)
            session.execute(
                update(ImportCheckpoint).where(ImportCheckpoint.id == self.checkpoint_id).values(done=True)
            )

        service.in_transaction(work)
        self.done = True


def _now() -> datetime:
    return datetime.now(UTC)
