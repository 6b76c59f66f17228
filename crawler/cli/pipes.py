"""Output piped into a reader that stops early (`newsarchive show URL | head`): stop quietly.

Unix tools killed by SIGPIPE end with status 141 (128 + SIGPIPE) and say
nothing; Python ignores SIGPIPE and raises BrokenPipeError instead, which
click would report as "Error: Broken pipe" (exit 1). Every command ends the
Unix way: no message, status 141. Nothing is left half-done by it: commands
that write to the archive finish their writes before printing.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell shows for `cat big | head`


def stop_quietly_on_closed_pipe() -> NoReturn:
    """Exit 141 with no message; stdout goes to /dev/null so the exit-time flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    # os._exit would skip closing the archive's connections; SystemExit unwinds normally.
    raise SystemExit(EXIT_BROKEN_PIPE)
