"""`newsarchive datasette`: the archive in Datasette, with its metadata and settings.

`datasette archive.db -m metadata.json` alone shows every article's whole
text in table views; the settings that cut long cells cannot go in the
metadata file (Datasette 0.x reads them from the command line), so this
command writes the metadata to a temporary file and starts Datasette with both.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli
from newsarchive.crawler.cli.extras import extra_hint


@click.command(
    "datasette",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("datasette_args", nargs=-1, type=click.UNPROCESSED)
@pass_cli
def datasette(cli: CliContext, datasette_args: tuple[str, ...]) -> None:
    """Browse the SQLite archive in Datasette (long text cut in tables); other options go to `datasette serve`.

    For example: newsarchive datasette --port 8001, or --get /archive/versions.json to fetch one page.
    """
    from newsarchive.storage.research.datasette import metadata, settings_argv

    if importlib.util.find_spec("datasette") is None:
        raise click.ClickException(extra_hint("datasette"))
    config = cli.config()
    if not config.db_url.startswith("sqlite"):
        raise click.ClickException("Datasette reads SQLite archives; this archive is on another database")
    cli.open_archive().close()  # creates or upgrades the schema, so the names in the metadata exist
    database = Path(config.db_url.split("///", 1)[-1])
    with tempfile.TemporaryDirectory(prefix="newsarchive-datasette-") as folder:
        meta = Path(folder) / "metadata.json"
        meta.write_text(json.dumps(metadata(database.stem)), encoding="utf-8")
        argv = [sys.executable, "-m", "datasette", "serve", str(database), "-m", str(meta), *settings_argv()]
        try:
            code = subprocess.call([*argv, *datasette_args])
        except KeyboardInterrupt:  # Ctrl-C reached Datasette too, which stops on its own
            code = 130
    sys.exit(code)
