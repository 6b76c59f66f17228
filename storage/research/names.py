"""Filters that name a source or a domain the archive has never seen.

`changes --source nosuch` used to answer with nothing, as if the source had
no edits: a typo looked like a quiet news week. Both columns are indexed, so
asking whether a name exists costs one index probe.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from newsarchive.storage.models import Article

SHOWN = 10  # names listed in the message; an archive may hold hundreds


def _known(session: Session, column: InstrumentedAttribute[str | None]) -> str:
    names = session.scalars(
        select(column).where(column.is_not(None)).distinct().order_by(column).limit(SHOWN + 1)
    )
    found = [name for name in names if name is not None]
    if not found:
        return "it has none yet"
    listed = ", ".join(found[:SHOWN])
    return f"known: {listed}{', ...' if len(found) > SHOWN else ''}"


def unknown_names(session: Session, *, source: str | None = None, domain: str | None = None) -> list[str]:
    """One message per filter value no article carries (an empty list: all known)."""
    problems = []
    checks = (("source", Article.source, source), ("domain", Article.domain, (domain or "").strip().lower()))
    for label, column, value in checks:
        if not value:
            continue
        if session.scalar(select(Article.id).where(column == value).limit(1)) is None:
            problems.append(f"no {label} named {value!r} in this archive ({_known(session, column)})")
    return problems
