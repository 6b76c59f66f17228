"""The sources file as the commands take it: the --sources option, its default path, loading it.

Shared by the crawl, sources and distributed command groups, so none of them
imports another.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsarchive.crawler.cli.context import CliContext

if TYPE_CHECKING:
    from newsarchive.crawler.crawl.sources import Source

# The exit status of a sources file that does not load (cron can tell it apart).
EXIT_BAD_SOURCES = 2

sources_option = click.option(
    "--sources",
    "sources_file",
    type=click.Path(dir_okay=False),
    help="Sources file (TOML). Default: sources.toml in the data directory.",
)


def sources_path(cli: CliContext, given: str | None) -> Path:
    return Path(given) if given else cli.config().home / "sources.toml"


def no_sources_file(path: Path) -> str:
    """The one line for a command that needs sources when the data directory has no sources.toml."""
    return f"no sources file at {path}: pass --sources FILE or copy one there"


def load(cli: CliContext, given: str | None, *, required: bool = True) -> list[Source]:
    from newsarchive.crawler.crawl.sources import SourcesError, load_sources

    path = sources_path(cli, given)
    if given is None and not path.exists():
        if not required:
            return []
        click.echo(f"error: {no_sources_file(path)}", err=True)
        sys.exit(EXIT_BAD_SOURCES)
    try:
        return load_sources(path)
    except SourcesError as exc:
        for problem in exc.problems:  # every one, so a file is fixed in one go
            click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_BAD_SOURCES)
