"""The installed layout: every package folder is installed, under the project's own name."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _package_folders() -> set[str]:
    found = set()
    for top in ("crawler", "storage"):
        for init in (ROOT / top).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT).as_posix()
            found.add("newsarchive." + relative.replace("/", "."))
    return found


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    folders = _package_folders()
    assert folders - listed == set(), "package folders missing from [tool.setuptools] packages"
    assert listed - folders == set(), "packages listed in pyproject.toml with no folder"


def test_packages_import_under_the_project_name() -> None:
    for name in ("newsarchive.crawler.crawl.settings", "newsarchive.storage.write.service"):
        module = importlib.import_module(name)
        assert Path(module.__file__).resolve().is_relative_to(ROOT), (
            f"{name} imported from {module.__file__}, not from this checkout"
        )
