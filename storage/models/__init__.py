"""Typed SQLAlchemy models of the archive, one concept a module."""

from storage.models.article import Article
from storage.models.base import Base
from storage.models.capture import Capture
from storage.models.crawl_run import CrawlRun
from storage.models.event import ArticleEvent
from storage.models.frontier import FrontierEntry
from storage.models.version import Version

__all__ = ["Article", "ArticleEvent", "Base", "Capture", "CrawlRun", "FrontierEntry", "Version"]
