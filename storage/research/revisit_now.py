"""Articles to revisit now, due or not (`revisit URL...`, `revisit --all`).

Here, not in crawl_state/: it finds articles the way every reader does
(research/read.py find_article), and crawl_state must not import research
(research imports the write path, which imports crawl_state).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from newsarchive.storage.crawl_state.revisit_due import DueArticle, due_entry
from newsarchive.storage.models import Article
from newsarchive.storage.research.read import NotFound, find_article


def articles_now(
    sessions: sessionmaker[Session],
    urls: Sequence[str] = (),
    *,
    source: str | None = None,
    limit: int | None = None,
) -> tuple[list[DueArticle], list[str]]:
    """Articles to check now whether due or not: those of `urls` (else all, of `source` if given).

    Returns them and the URLs that name no archived article.
    """
    with sessions() as session:
        if urls:
            found: dict[int, Article] = {}
            unknown = []
            for url in urls:
                try:
                    article = find_article(session, url)
                except NotFound:
                    unknown.append(url)
                    continue
                found.setdefault(article.id, article)
            return [due_entry(session, a) for a in found.values()], unknown
        query = select(Article).order_by(Article.id)
        if source is not None:
            query = query.where(Article.source == source)
        if limit is not None:
            query = query.limit(limit)
        return [due_entry(session, a) for a in session.scalars(query)], []
