"""The README's quick tour, run top to bottom as written, against the local news web.

Every line of the quick tour's shell blocks runs in order, in bash, as a new
user would type it (pipes, globs and `$(...)` included), on a fresh data
directory. Only what must point at this machine is adapted:

- URLs and paths: the example sources file gets the local web's scheme and
  port (its hosts, paths and limits are its own), the example article URL
  and `URL` become a story of that web, `~/.local/share/newsarchive` the
  test's data directory, `127.0.0.1:8000` the port the test serves on,
  `/data/crawls/` a folder of WARC files, and article 42 the edited story;
- the network: the commands that fetch get the test web's resolver (`-s`
  settings; no DNS) and no politeness delay, and the environment names the
  loopback address as allowed (NEWSARCHIVE_ALLOW_PRIVATE_HOSTS);
- servers: `serve` and `schedule` run until the lines after them are done,
  then get SIGTERM; `datasette` fetches one page (`--get`) instead of serving.

Between lines, the site edits the story's headline twice, so that `diff
--from 1 --to 3` has three versions to compare. A line fails the test if it
exits non-zero or prints a traceback; a README line this file cannot run
fails it too, so the tour cannot drift from what works.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from tests.site.families import EXAMPLE_FEEDS
from tests.site.resolver import resolver_args
from tests.site.web import NewsWeb
from tests.web.serving import free_port

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FETCHING = ("crawl", "revisit", "capture", "schedule")
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSARCHIVE_EXTRACT_WORKERS=0"]
EXAMPLE_URL = "https://example.com/2026/05/24/some-story.html"
HOST, PATH = EXAMPLE_FEEDS["bbc-world"][2], EXAMPLE_FEEDS["bbc-world"][3][0]

# About 40 commands, each a new process: minutes on a loaded machine, far past the default 300 s.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

# The tour uses every extra (serve, Parquet, Datasette) and the tools it shows (curl, openssl).
for _module, _extra in (("fastapi", "api"), ("pyarrow", "parquet"), ("datasette", "datasette")):
    pytest.importorskip(_module, reason=f"the quick tour needs the {_extra} extra (pip install -e '.[all]')")
for _tool in ("curl", "openssl"):
    if shutil.which(_tool) is None:
        pytest.skip(f"the quick tour runs {_tool}, which is not installed", allow_module_level=True)


def tour_lines() -> list[str]:
    """The shell lines of the quick tour's bash blocks, comments removed, in order."""
    section = README.split("## Quick tour", 1)[1].split("\n## ", 1)[0]
    lines = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", section, flags=re.DOTALL):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line:
                lines.append(line)
    return lines


class Tour:
    """The state the tour's lines run in: a data directory, a work directory, the local web."""

    def __init__(self, web: NewsWeb, tmp: Path) -> None:
        self.web = web
        self.home = tmp / "home"
        self.work = tmp / "work"
        self.crawls = tmp / "crawls"
        for folder in (self.work, self.crawls, tmp / "bin"):
            folder.mkdir()
        self.story = web.url(HOST, PATH)
        self.port = free_port()
        # `newsarchive` and `datasette` are this checkout's, run by this interpreter.
        for name, module in (("newsarchive", "newsarchive.crawler.cli"), ("datasette", "datasette")):
            script = tmp / "bin" / name
            script.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m {module} "$@"\n')
            script.chmod(0o755)
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
        self.env = {
            **env,
            "PATH": f"{tmp / 'bin'}:{env['PATH']}",
            "NEWSARCHIVE_HOME": str(self.home),
            "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
            "PYTHONPATH": str(ROOT),  # the resolver the fetching commands are given lives in tests/
        }
        example = (ROOT / "docs" / "sources.example.toml").read_text()
        local = re.sub(r"https://([a-z0-9.-]+)/", lambda m: web.url(m.group(1), "/"), example)
        (self.work / "local-sources.toml").write_text(local)
        npr = EXAMPLE_FEEDS["npr-news"]
        (self.work / "urls.txt").write_text("".join(web.url(npr[2], path) + "\n" for path in npr[3]))
        page = (ROOT / "tests/extract/fixtures/blinken-beijing.html").read_bytes()
        (self.work / "page.html.gz").write_bytes(gzip.compress(page))
        manifest = {"id": "p1", "path": "page.html.gz", "url": "https://example.com/story"}
        (self.work / "pages.jsonl").write_text(json.dumps(manifest) + "\n")
        self.outputs: dict[str, subprocess.CompletedProcess[str]] = {}

    def adapt(self, line: str) -> str:
        """The line with URLs and paths pointed at this machine (see the module docstring)."""
        line = line.replace("docs/sources.example.toml", "local-sources.toml")
        line = line.replace(EXAMPLE_URL, self.story)
        line = re.sub(r"(?<![\w/.-])URL(?![\w/.-])", self.story, line)
        line = line.replace("~/.local/share/newsarchive", str(self.home))
        line = line.replace("/data/crawls/", f"{self.crawls}/")
        line = line.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}")
        if "/articles/42/" in line:
            line = line.replace("/articles/42/", f"/articles/{self.article_id()}/")
        words = line.split()
        if words[:1] == ["newsarchive"] and len(words) > 1 and words[1] in FETCHING:
            words[2:2] = [*resolver_args(), *FAST]
            line = " ".join(words)
        if words[:2] == ["newsarchive", "serve"]:
            line += f" --port {self.port}"
        if words[:1] == ["datasette"] or words[:2] == ["newsarchive", "datasette"]:
            line += " --get /archive/latest_versions.json"
        return line

    def article_id(self) -> str:
        # Cached under another name: an instance attribute named article_id would hide this method.
        if "_article_id" not in self.__dict__:
            done = self.run(f"newsarchive show {self.story} --json")
            self.__dict__["_article_id"] = str(json.loads(done.stdout)["article_id"])
        return str(self.__dict__["_article_id"])

    def run(self, line: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", line],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        # A pipe into head ends the writer with SIGPIPE's status, as the README says (141).
        ok = done.returncode == 0 or (done.returncode == 141 and "| head" in line)
        assert ok and "Traceback" not in done.stderr, f"{line}\nexit {done.returncode}\n{done.stderr[-3000:]}"
        return done

    def start(self, line: str) -> subprocess.Popen[str]:
        """A long-running line, in its own process group so SIGTERM reaches the command itself."""
        self.log = self.home.parent / f"server-{time.monotonic_ns()}.log"
        log = self.log.open("w")
        return subprocess.Popen(
            ["bash", "-c", f"exec {line}"],
            cwd=self.work,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
            start_new_session=True,
        )

    def stop(self, process: subprocess.Popen[str], line: str, log: Path) -> None:
        """SIGTERM, as a service manager stops it: a clean stop, with no traceback."""
        assert process.poll() is None, f"{line} stopped on its own with {process.returncode}"
        os.killpg(process.pid, signal.SIGTERM)
        code = process.wait(timeout=60)
        # uvicorn shuts down gracefully, then re-raises the signal so the exit says what ended it.
        clean = (0, -signal.SIGTERM) if line.startswith("newsarchive serve") else (0,)
        assert code in clean, f"{line}: exit {code} after SIGTERM: {log.read_text()[-2000:]}"
        assert "Traceback" not in log.read_text(), log.read_text()[-3000:]

    def wait_for_server(self, process: subprocess.Popen[str]) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, f"serve exited with {process.returncode}"
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("serve did not answer within 60 s")

    def wait_for_log(self, process: subprocess.Popen[str], text: str) -> None:
        """Until the long-running line logs `text` (it is up), however loaded the machine is."""
        deadline = time.monotonic() + 120
        while text not in self.log.read_text():
            assert process.poll() is None, f"exited with {process.returncode}: {self.log.read_text()[-2000:]}"
            assert time.monotonic() < deadline, f"never logged {text!r}: {self.log.read_text()[-2000:]}"
            time.sleep(0.2)

    def edit_headline(self, suffix: str) -> None:
        """The story's headline gains `suffix` everywhere it appears on the page."""
        response = self.web.state.hosts[HOST].routes[PATH]
        title = EXAMPLE_FEEDS_TITLE
        body = response.body.replace(title.encode(), f"{title}{suffix}".encode())
        assert body != response.body
        self.web.set_route(HOST, PATH, replace(response, body=body))


# The bbc-world story the tour edits (tests/site/families.example_hosts names its stories so).
EXAMPLE_FEEDS_TITLE = "bbc-world story 0: " + PATH.rsplit("/", 1)[-1].replace("-", " ")


def test_the_quick_tour_runs_top_to_bottom_as_written(news_web: NewsWeb, tmp_path: Path) -> None:
    tour = Tour(news_web, tmp_path)
    lines = tour_lines()
    assert len(lines) >= 30, "the quick tour's shell blocks were not found"
    server: tuple[subprocess.Popen[str], str, Path] | None = None
    scheduler: tuple[subprocess.Popen[str], str, Path] | None = None
    for line in lines:
        if line.startswith("newsarchive revisit URL"):
            tour.edit_headline(", first update")  # revisit URL checks now: version 2
        if line.startswith(f"newsarchive capture {EXAMPLE_URL}"):
            tour.edit_headline(", second update")  # and this capture makes version 3
        if line.startswith("newsarchive import"):
            election = tour.work / "election.warc.gz"  # written by the export lines above
            assert election.is_file(), "the export block did not write election.warc.gz"
            for copy in ("CC-NEWS-20260105-00000.warc.gz", "old-crawl.warc.gz"):
                if not (tour.work / copy).exists():
                    shutil.copy(election, tour.work / copy)
            shutil.copy(election, tour.crawls / "crawl-1.warc.gz")
        adapted = tour.adapt(line)
        if line.startswith("newsarchive serve"):
            if server is not None:
                tour.stop(*server)
            server = (tour.start(adapted), line, tour.log)
            tour.wait_for_server(server[0])
        elif line.startswith("newsarchive schedule"):
            scheduler = (tour.start(adapted), line, tour.log)
            tour.wait_for_log(scheduler[0], "next run")  # up, waiting for its first cron time
        else:
            if scheduler is not None:
                tour.stop(*scheduler)  # a long-running line: stopped before the next one, as a user would
                scheduler = None
            tour.outputs[line] = tour.run(adapted)
    if server is not None:
        tour.stop(*server)

    # What the tour promises, checked on its own output.
    history = tour.outputs["newsarchive history URL"].stdout
    assert "first update" in history and "second update" in history
    diff = tour.outputs["newsarchive diff URL --from 1 --to 3"].stdout
    assert "second update" in diff
    changes = tour.outputs["newsarchive changes --headline-only --source bbc-world --since 2026-03-01"]
    assert "first update" in changes.stdout and "second update" in changes.stdout
    curl_diff = next(out for line, out in tour.outputs.items() if "/diff?from=1&to=3" in line)
    assert json.loads(curl_diff.stdout)["to_version"] == 3
    for name in ("election.parquet", "bbc.jsonl", "election.csv", "metadata.json", "predictions.jsonl"):
        assert (tour.work / name).stat().st_size > 0, name
