"""What each source last read of its feeds and sitemaps: validators for conditional GET.

A row is written only after the document's entries are in the frontier, so
a 304 next time means "nothing here you have not queued already".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.models import DiscoveryDocument
from newsarchive.storage.reconnect import reconnecting


@dataclass(frozen=True)
class DocumentState:
    url: str
    etag: str | None
    last_modified: str | None
    children: tuple[str, ...] = ()
    read_at: datetime | None = None  # when its entries were last parsed and queued

    def request_headers(self) -> dict[str, str]:
        """The conditional headers that ask "has it changed since I read it?"."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class DiscoveryDocuments:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    @reconnecting
    def of_source(self, source: str) -> dict[str, DocumentState]:
        with self.sessions() as session:
            rows = session.scalars(select(DiscoveryDocument).where(DiscoveryDocument.source == source))
            return {
                row.url: DocumentState(
                    row.url, row.etag, row.last_modified, tuple(row.children or ()), row.read_at
                )
                for row in rows
            }

    @reconnecting
    def read(
        self,
        source: str,
        url: str,
        etag: str | None,
        last_modified: str | None,
        children: Sequence[str] = (),
    ) -> None:
        """The document was read and its entries queued; without validators, nothing is kept."""
        with self.sessions.begin() as session:
            session.execute(
                delete(DiscoveryDocument).where(
                    DiscoveryDocument.source == source, DiscoveryDocument.url == url
                )
            )
            if etag or last_modified:
                session.add(
                    DiscoveryDocument(
                        source=source,
                        url=url,
                        etag=etag,
                        last_modified=last_modified,
                        children=list(children) or None,
                        read_at=datetime.now(UTC),
                    )
                )

    @reconnecting
    def forget(self, source: str, url: str) -> None:
        """Read it in full next time (its last read did not queue everything)."""
        with self.sessions.begin() as session:
            session.execute(
                delete(DiscoveryDocument).where(
                    DiscoveryDocument.source == source, DiscoveryDocument.url == url
                )
            )
