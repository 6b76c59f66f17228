"""One archive handle per crawl: the spider, the pipeline and the heartbeat share it."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import signals
from scrapy.crawler import Crawler

import newsarchive.storage.archive as archive_module
from newsarchive.crawler.crawl.crawl_archive import crawl_archive
from newsarchive.crawler.crawl.extensions import RunHeartbeat
from newsarchive.crawler.crawl.pipeline.archive_pipeline import ArchivePipeline
from newsarchive.crawler.crawl.runner import build_settings
from newsarchive.crawler.crawl.spiders.source import SourceSpider
from newsarchive.storage.config import ArchiveConfig


def test_the_spider_pipeline_and_heartbeat_share_one_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = ArchiveConfig(home=tmp_path, db_url=f"sqlite:///{tmp_path / 'a.db'}")
    engines: list[object] = []
    real = archive_module.make_engine

    def counting(url: str) -> object:
        engine = real(url)
        engines.append(engine)
        return engine

    monkeypatch.setattr(archive_module, "make_engine", counting)
    crawler = Crawler(SourceSpider, build_settings(config, {"NEWSARCHIVE_CRAWL_RUN_ID": 1}))
    spider = SourceSpider.from_crawler(crawler)
    pipeline = ArchivePipeline.from_crawler(crawler)
    heartbeat = RunHeartbeat.from_crawler(crawler)
    archive = crawl_archive(crawler)
    assert len(engines) == 1
    assert spider.frontier is not None and spider.frontier.sessions is archive.sessions
    assert pipeline.archive is archive
    assert heartbeat.sessions is archive.sessions
    # Closed once, when the engine stops: after that its pool holds no connection.
    with archive.sessions() as session:
        session.connection()
    assert archive.engine.pool.checkedin() == 1
    crawler.signals.send_catch_log(signal=signals.engine_stopped)
    assert archive.engine.pool.checkedin() == 0
