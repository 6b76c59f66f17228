"""What publishers declare about an article in feeds and news sitemaps, kept apart from what the page says.

`articles.declared` and `versions.declared` hold the whole record (see
newsarchive.storage.write.declared); the keyword and section terms are
rows of their own so that search can filter on them with an index on
every database.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from newsarchive.storage.models.base import Base


class DeclaredTerm(Base):
    __tablename__ = "declared_terms"
    __table_args__ = (
        UniqueConstraint("article_id", "kind", "term", name="uq_declared_terms"),
        Index("ix_declared_terms_kind_term", "kind", "term"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "keyword" (news:keywords) or "section" (feed categories)
    term: Mapped[str] = mapped_column(String(200))  # lower-cased, trimmed
