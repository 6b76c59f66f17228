"""A core install (no extras) captures and crawls; a command that needs an extra names it in one line.

The extras are installed here, so each run hides them: a sitecustomize on
PYTHONPATH makes every module of an extra unimportable in the `newsarchive`
subprocess, as on a machine where they were never installed. CI also runs
tests/smoke_core.py in a venv with the core install alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from newsarchive.crawler.cli.extras import EXTRA_OF_MODULE
from tests.helpers import LOCAL_SITE
from tests.site import NewsSite

ROOT = Path(__file__).resolve().parent.parent
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSARCHIVE_EXTRACT_WORKERS=0"]

HIDE_EXTRAS = """
import importlib.abc
import sys

HIDDEN = {hidden!r}


class HideExtras(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, HideExtras())
"""


def _core_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    hide = tmp_path / "hide"
    hide.mkdir(exist_ok=True)
    (hide / "sitecustomize.py").write_text(HIDE_EXTRAS.format(hidden=sorted(EXTRA_OF_MODULE)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hide), str(ROOT)])}
    argv = [
        sys.executable,
        "-m",
        "newsarchive.crawler.cli",
        "--home",
        str(tmp_path / "home"),
        *LOCAL_SITE,
        *args,
    ]
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_extras_are_really_hidden(tmp_path: Path) -> None:
    result = _core_cli(tmp_path, "serve", "--port", "1")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: the web server (serve) needs the api extra (uvicorn is not installed): "
        "pip install 'newsarchive[api]'"
    ]


def test_core_install_captures(news_site: NewsSite, tmp_path: Path) -> None:
    url = news_site.articles[0].url
    result = _core_cli(tmp_path, "capture", url, *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "new article" in result.stdout and "Traceback" not in result.stderr


def test_needing_an_extra_is_one_line_naming_it(tmp_path: Path) -> None:
    redis = _core_cli(
        tmp_path,
        "crawl",
        "--sources",
        str(ROOT / "docs/sources.example.toml"),
        "--redis",
        "redis://127.0.0.1:1/0",
    )
    postgres = _core_cli(tmp_path, "--db", "postgresql://nobody@127.0.0.1:1/none", "db", "info")
    for result, extra in ((redis, "redis"), (postgres, "postgres")):
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and f"pip install 'newsarchive[{extra}]'" in lines[0], result.stderr[-2000:]
