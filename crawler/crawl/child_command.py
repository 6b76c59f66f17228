"""The one way to start `newsarchive` as a child process (scheduled jobs, the web app's captures).

A crawl runs in a child process (a Twisted reactor cannot restart), started
by the scheduler and by the web app. Whatever may hold a password (the
database URL, the Redis URL) goes to the child in its environment, which
only the same user can read, never on its command line, which every user
sees in `ps`. The child's CLI reads NEWSARCHIVE_HOME, NEWSARCHIVE_DB and
NEWSARCHIVE_REDIS_URL as its --home, --db and --redis defaults.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from newsarchive.storage.config import ArchiveConfig

# `newsarchive`, run by this interpreter (the console script may not be on PATH).
PROGRAM: tuple[str, ...] = (sys.executable, "-m", "newsarchive.crawler.cli")
# Options whose value may hold a password: refused on a command line.
SECRET_OPTIONS = ("--db", "--redis")


@dataclass(frozen=True)
class ChildCommand:
    argv: tuple[str, ...]
    # Set on top of the parent's environment.
    env: Mapping[str, str] = field(default_factory=dict)

    def environ(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The child's whole environment: the parent's (or `base`), then ours."""
        return {**(os.environ if base is None else base), **self.env}


def archive_env(config: ArchiveConfig, redis_url: str | None = None) -> dict[str, str]:
    """The variables that tell a child CLI where the archive (and the shared frontier) is."""
    env = {"NEWSARCHIVE_HOME": str(config.home), "NEWSARCHIVE_DB": config.db_url}
    if redis_url:
        env["NEWSARCHIVE_REDIS_URL"] = redis_url
    return env


def child_command(
    config: ArchiveConfig,
    args: Sequence[str],
    *,
    redis_url: str | None = None,
    program: Sequence[str] = PROGRAM,
) -> ChildCommand:
    """`newsarchive ARGS` on this archive; raises ValueError if ARGS carry --db or --redis."""
    for arg in args:
        if arg in SECRET_OPTIONS or arg.startswith(tuple(f"{o}=" for o in SECRET_OPTIONS)):
            raise ValueError(f"{arg.split('=', 1)[0]} may hold a password: pass it in the environment")
    return ChildCommand((*program, *args), archive_env(config, redis_url))
