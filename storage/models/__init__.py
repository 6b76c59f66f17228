"""Typed SQLAlchemy models of the archive, one concept a module."""

from newsarchive.storage.models.article import Article
from newsarchive.storage.models.base import Base
from newsarchive.storage.models.capture import Capture
from newsarchive.storage.models.crawl_run import CrawlRun
from newsarchive.storage.models.declared import DeclaredTerm
from newsarchive.storage.models.document import DiscoveryDocument
from newsarchive.storage.models.event import ArticleEvent
from newsarchive.storage.models.frontier import FrontierEntry
from newsarchive.storage.models.headline_test import HeadlineTest
from newsarchive.storage.models.import_checkpoint import ImportCheckpoint
from newsarchive.storage.models.story import StoryBand, StoryCluster, StorySignature
from newsarchive.storage.models.version import Version

__all__ = [
    "Article",
    "ArticleEvent",
    "Base",
    "Capture",
    "CrawlRun",
    "DeclaredTerm",
    "DiscoveryDocument",
    "FrontierEntry",
    "HeadlineTest",
    "ImportCheckpoint",
    "StoryBand",
    "StoryCluster",
    "StorySignature",
    "Version",
]
