"""The `newsarchive` command.

Each command group lives in its own module and registers itself here; heavy
imports (Scrapy, trafilatura, SQLAlchemy) stay inside the command functions
so `newsarchive --help` is instant. Results go to stdout, logs to stderr.
"""

from __future__ import annotations

import logging

import click

from crawler.cli import archive_commands, extract_command
from crawler.cli.context import CliContext


@click.group()
@click.option(
    "--home",
    envvar="NEWSARCHIVE_HOME",
    type=click.Path(file_okay=False),
    help="Data directory (database and WARC files). Default: ~/.local/share/newsarchive.",
)
@click.option(
    "--db", envvar="NEWSARCHIVE_DB", help="SQLAlchemy database URL. Default: SQLite in the data directory."
)
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.version_option(package_name="newsarchive")
@click.pass_context
def main(ctx: click.Context, home: str | None, db: str | None, verbose: int) -> None:
    """newsarchive: crawl news sites and keep every version of every article."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = CliContext(home=home, db=db, verbose=verbose)


extract_command.register(main)
archive_commands.register(main)
