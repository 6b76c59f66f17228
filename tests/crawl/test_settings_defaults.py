"""Every NEWSARCHIVE_* setting has one default, in crawler/crawl/settings.py, and each one is read.

Two statements of a default drift apart (NEWSARCHIVE_WARC_SYNC was "batch"
in settings.py and "record" in the WARC middleware); a setting nothing reads
misleads whoever sets it (NEWSARCHIVE_VIA).
"""

from __future__ import annotations

import ast
from pathlib import Path

from scrapy.settings import Settings

import newsarchive.crawler.crawl.settings as defaults
from newsarchive.crawler.crawl.runner import build_settings
from newsarchive.storage.config import ArchiveConfig

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "crawler" / "crawl" / "settings.py"
GETTERS = {"get", "getint", "getfloat", "getbool", "getlist", "getdict"}


def _reads() -> list[tuple[str, int, str, ast.expr | None]]:
    """(file, line, setting, fallback) for every settings.get*("NEWSARCHIVE_...") in the crawler."""
    found = []
    for path in sorted((ROOT / "crawler").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in GETTERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).startswith("NEWSARCHIVE_")
            ):
                fallback = node.args[1] if len(node.args) > 1 else None
                found.append((str(path.relative_to(ROOT)), node.lineno, node.args[0].value, fallback))
    return found


def test_a_fallback_is_always_the_settings_module_value() -> None:
    reads = _reads()
    assert len(reads) > 10  # the walk found the crawler's reads
    wrong = []
    for path, line, name, fallback in reads:
        if not hasattr(defaults, name):
            wrong.append(f"{path}:{line} reads {name}, which settings.py does not define")
        if fallback is not None and ast.unparse(fallback) != f"defaults.{name}":
            wrong.append(f"{path}:{line} falls back to {ast.unparse(fallback)}, not defaults.{name}")
    assert not wrong, "\n".join(wrong)


def test_every_setting_defined_is_read_somewhere() -> None:
    defined = {name for name in vars(defaults) if name.startswith("NEWSARCHIVE_")}
    read = {name for _, _, name, _ in _reads()}
    # Read by settings.py itself: the contact URL is part of USER_AGENT.
    read.add("NEWSARCHIVE_CONTACT")
    assert sorted(defined - read) == [], "settings defined but never read (settings.get*)"


def test_the_warc_sync_default_is_the_same_with_and_without_the_project_settings(tmp_path: Path) -> None:
    from newsarchive.crawler.crawl.downloader.middlewares import WarcRecorderMiddleware

    class FakeCrawler:
        def __init__(self, settings: Settings) -> None:
            self.settings = settings
            self.signals = type("Signals", (), {"connect": staticmethod(lambda *a, **k: None)})()

    config = ArchiveConfig(home=tmp_path, db_url=f"sqlite:///{tmp_path / 'a.db'}")
    project = build_settings(config)
    bare = Settings({"NEWSARCHIVE_HOME": str(tmp_path), "NEWSARCHIVE_DB": config.db_url})
    modes = []
    for settings in (project, bare):
        middleware = WarcRecorderMiddleware.from_crawler(FakeCrawler(settings))  # type: ignore[arg-type]
        modes.append(middleware.store.sync_each)
        middleware.spider_closed()
    assert modes == [False, False]  # "batch": synced before each commit, not per record
