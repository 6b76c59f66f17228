"""Smoke test of a core install (`pip install newsarchive`, no extras), run by CI in its own venv.

    python tests/smoke_core.py

Not collected by pytest (no test_ prefix): the core venv has no pytest.
tests/test_core_install.py runs it under pytest too, with the extras made
unimportable, so a core-only break shows up in the ordinary test run as well.

It serves tests/site on 127.0.0.1, then, with the `newsarchive` of this
interpreter: captures two articles, crawls the site's feed, searches, shows,
exports JSON Lines and CSV, and checks that `serve`, `--redis` and a
PostgreSQL URL each say in one line which extra to install.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.site import NewsSite  # noqa: E402

# A local site: no politeness delays, extraction in the crawl process (no pool to start).
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSARCHIVE_EXTRACT_WORKERS=0"]


class SmokeFailure(AssertionError):
    pass


def run(home: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
    # The local site is on loopback, which crawls refuse unless it is named.
    argv = [
        sys.executable,
        "-m",
        "newsarchive.crawler.cli",
        "--home",
        str(home),
        "--allow-private-hosts",
        "127.0.0.1",
        *args,
    ]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=home)
    if result.returncode != expect:
        raise SmokeFailure(
            f"`newsarchive {' '.join(args)}` exited {result.returncode}, expected {expect}\n"
            f"stdout: {result.stdout[-1500:]}\nstderr: {result.stderr[-3000:]}"
        )
    return result


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def one_line_hint(result: subprocess.CompletedProcess[str], extra: str) -> None:
    lines = result.stderr.strip().splitlines()
    check(
        len(lines) == 1 and f"newsarchive[{extra}]" in lines[0] and "Traceback" not in result.stderr,
        f"expected one line naming the {extra} extra, got: {result.stderr[-2000:]}",
    )


def smoke(home: Path, site: NewsSite) -> None:
    first, second = site.articles[0], site.articles[1]
    captured = run(home, "capture", first.url, second.url, *FAST)
    check(captured.stdout.count("new article") == 2, f"capture: {captured.stdout}")

    sources = home / "sources.toml"
    sources.write_text(f'[[source]]\nname = "local"\nfeeds = ["{site.url("/rss.xml")}"]\n')
    crawled = json.loads(run(home, "crawl", "--json", *FAST).stdout.strip().splitlines()[-1])
    check(crawled["status"] == "finished" and crawled["totals"]["new_article"] > 0, f"crawl: {crawled}")

    word = first.title.split()[0]
    found = run(home, "search", word, "--json").stdout
    check(first.url in found, f"search {word!r}: {found[:1000]}")

    shown = run(home, "show", first.url).stdout
    check(first.title in shown, f"show: {shown[:500]}")
    run(home, "history", first.url)
    # Read back from the WARC files by the same extractor: every article as it was.
    reread = json.loads(run(home, "reextract", "--all", "--workers", "0", "--json").stdout)
    check(
        reread["unchanged"] >= 2 and reread["changed"] == 0 and not reread["skipped"], f"reextract: {reread}"
    )

    jsonl, table = home / "out.jsonl", home / "out.csv"
    run(home, "export", "--format", "jsonl", "--out", str(jsonl))
    rows = [json.loads(line) for line in jsonl.read_text().splitlines()]
    check(len(rows) >= 2, f"export jsonl: {len(rows)} rows")
    run(home, "export", "--format", "csv", "--out", str(table))
    with table.open(newline="") as handle:
        check(len(list(csv.DictReader(handle))) == len(rows), "export csv: not the JSON Lines rows")

    one_line_hint(run(home, "serve", expect=1), "api")
    one_line_hint(run(home, "crawl", "--redis", "redis://127.0.0.1:1/0", expect=1), "redis")
    one_line_hint(
        run(home, "--db", "postgresql://nobody@127.0.0.1:1/none", "db", "info", expect=1), "postgres"
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="na-smoke-") as tmp, NewsSite() as site:
        try:
            smoke(Path(tmp), site)
        except SmokeFailure as exc:
            print(f"core smoke test FAILED: {exc}", file=sys.stderr)
            return 1
    print("core smoke test passed: capture, crawl, search, show, history, export; extras hinted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
