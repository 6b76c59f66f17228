"""Loading the `newsarchive` command stays light: no Scrapy, no lxml until a command needs them.

Two promises rest on it: `newsarchive --help` is instant, and a crawl command
takes over Ctrl-C and SIGTERM before its heavy imports start (a stop while
Scrapy loads is then "interrupted", never a traceback or a finished run).
"""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_loads_without_scrapy_or_lxml() -> None:
    probe = (
        "import sys\n"
        "import newsarchive.crawler.cli as cli\n"
        "cli.main.list_commands(None)\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'lxml', 'twisted'))\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "", f"loaded while the CLI loads: {result.stdout.strip()}"
