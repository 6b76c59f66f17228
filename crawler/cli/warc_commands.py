"""`warc check` and `warc repair`: find and fix WARC files torn by a killed writer; `warc index`: CDXJ."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli


@click.group("warc")
def warc_group() -> None:
    """The archive's WARC files."""


@warc_group.command("check")
@pass_cli
def check(cli: CliContext) -> None:
    """Read every WARC file; list the torn ones. Exits 1 if any file is torn."""
    from newsarchive.storage.warc.check import scan, warc_files

    files = warc_files(cli.config().warc_dir)
    torn = 0
    for path in files:
        found = scan(path)
        if found.torn:
            torn += 1
            click.echo(found.describe())
    click.echo(
        f"{len(files)} WARC file(s), {torn} torn" + ("; run `newsarchive warc repair`" if torn else "")
    )
    if torn:
        sys.exit(1)


@warc_group.command("repair")
@pass_cli
def repair_command(cli: CliContext) -> None:
    """Truncate torn files to their last complete record (files being written are left alone).

    Only bytes no capture refers to are removed: a record is on disk before
    the database row that points at it is committed.
    """
    from newsarchive.storage.warc.check import repair, warc_files

    files = warc_files(cli.config().warc_dir)
    repaired = busy = 0
    for path in files:
        try:
            found = repair(path)
        except BlockingIOError:
            busy += 1
            click.echo(f"{path.name}: in use by a running writer, left alone", err=True)
            continue
        if found.torn:
            repaired += 1
            click.echo(f"repaired {found.describe()}")
    click.echo(f"{len(files)} WARC file(s), {repaired} repaired, {busy} in use")


@warc_group.command("index")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The CDXJ file to write or bring up to date (default: <data dir>/indexes/index.cdxj).",
)
@pass_cli
def index_command(cli: CliContext, out: Path | None) -> None:
    """Write a sorted CDXJ index of the WARC files (pywb's format), reading only what is new.

    Run it again at any time: it reads only the records written since the
    last run. Point pywb at the index and the WARC directory to replay the
    archive (docs/research.md).
    """
    from newsarchive.storage.warc.cdxj_index import default_index, update_index

    config = cli.config()
    target = out or default_index(config.home)
    try:
        run = update_index(config.warc_dir, target)
    except OSError as exc:
        raise click.ClickException(f"cannot write {target}: {exc.strerror or exc}") from None
    for problem in run.incomplete:
        click.echo(f"{problem}: indexed up to there", err=True)
    click.echo(
        f"{run.files} WARC file(s), {run.read} read: {run.added} record(s) added, "
        f"{run.dropped} dropped, {run.lines} in {run.index}"
    )


def register(group: click.Group) -> None:
    group.add_command(warc_group)
