"""`export` and `datasette-metadata` (registered by research_commands)."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import Any

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli
from newsarchive.crawler.cli.extras import extra_hint
from newsarchive.crawler.cli.research_options import (
    build_query,
    check_known_names,
    filter_options,
    pop_filters,
)

# File endings that name a format, longest first (".warc.gz" before ".gz").
FORMAT_SUFFIXES = (
    (".warc.gz", "warc"),
    (".wacz", "wacz"),
    (".parquet", "parquet"),
    (".jsonl", "jsonl"),
    (".csv", "csv"),
)


def _format_of(out: str, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    if out == "-":
        raise click.UsageError("writing to stdout (--out -): say which format with --format")
    for suffix, name in FORMAT_SUFFIXES:
        if out.lower().endswith(suffix):
            return name
    endings = ", ".join(suffix for suffix, _ in FORMAT_SUFFIXES)
    raise click.UsageError(f"cannot tell the format from the name {out!r} (one of {endings}): give --format")


def _check_destination(out: Path) -> None:
    from newsarchive.storage.research.export.output import is_stream

    if out.is_dir():
        raise click.BadParameter(f"{out} is a directory: name a file", param_hint="--out")
    if not out.parent.is_dir():
        raise click.BadParameter(
            f"the directory {out.parent} does not exist (export does not create directories)",
            param_hint="--out",
        )
    if not is_stream(out) and not os.access(out.parent, os.W_OK):
        raise click.BadParameter(f"cannot write in {out.parent}", param_hint="--out")


@click.command()
@click.argument("query", required=False)
@filter_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet", "warc", "wacz"]),
    help="jsonl/csv/parquet: one row per version; warc: the raw captures behind them (.warc.gz); "
    "wacz: those captures as a WACZ package with its CDXJ index and pages list (.wacz). "
    "Default: from the name of --out (.jsonl, .csv, .parquet, .warc.gz, .wacz).",
)
@click.option(
    "--out",
    required=True,
    metavar="FILE",
    help="Output file, replaced only once the export is complete; - writes to stdout.",
)
@click.option(
    "--manifest",
    "manifest_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the manifest here (default: FILE.manifest.json beside a file; none for stdout).",
)
@pass_cli
def export(
    cli: CliContext, query: str | None, fmt: str | None, out: str, manifest_out: Path | None, **options: Any
) -> None:
    """Export the articles a search selects (all articles without QUERY or filters).

    Streams in constant memory and writes FILE.manifest.json beside FILE: the
    filters, row count, sha256 of the file, software version and time. With
    --out - the data goes to stdout and the manifest only where --manifest says.
    """
    from newsarchive.storage.research.export.formats import export as run_export
    from newsarchive.storage.research.search.query import BadQuery

    fmt = _format_of(out, fmt)
    to_stdout = out == "-"
    path = None if to_stdout else Path(out)
    if fmt == "warc" and path is not None and not path.name.endswith(".warc.gz") and path.suffix:
        raise click.ClickException("a WARC export is gzipped per record: name the file *.warc.gz")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ModuleNotFoundError as exc:
            raise click.ClickException(extra_hint("parquet", exc)) from None
    if path is not None:
        _check_destination(path)
    if manifest_out is not None:
        _check_destination(manifest_out)
    search_query = build_query(query, pop_filters(options))
    archive = cli.open_archive()
    try:
        with archive.sessions() as session:
            check_known_names(session, search_query.source, search_query.domain)
            target: Any = click.get_binary_stream("stdout") if to_stdout else path
            result = run_export(
                session, search_query, fmt, target, warc_dir=archive.config.warc_dir, manifest=manifest_out
            )
    except BadQuery as exc:
        raise click.ClickException(f"bad query: {exc}") from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        archive.close()
    where = "stdout" if to_stdout else str(path)
    what = "capture record" if fmt in ("warc", "wacz") else "row"
    if result.rows == 0:
        click.echo(f"nothing matched: wrote an empty {fmt} export to {where}", err=True)
    else:
        click.echo(f"wrote {result.rows} {what}{'s' if result.rows != 1 else ''} to {where}", err=True)
    if result.manifest is None:  # the digest is still known: it was counted while writing
        click.echo(f"sha256 {result.sha256}, {result.bytes} bytes", err=True)
    missing = result.detail.get("missing_records") or []
    if missing:
        click.echo(f"warning: {len(missing)} capture record(s) missing from the WARC directory", err=True)
    if result.manifest is not None:
        # The manifest's path on stdout, unless stdout carries the data.
        click.echo(str(result.manifest), err=to_stdout)


@click.command("datasette-metadata")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@pass_cli
def datasette_metadata(cli: CliContext, out: Path | None) -> None:
    """Metadata for `datasette archive.db -m metadata.json`: titles, full-text search, the latest_versions view."""
    from newsarchive.storage.research.datasette import metadata, settings_argv

    config = cli.config()
    if not config.db_url.startswith("sqlite"):
        raise click.ClickException("Datasette reads SQLite archives; this archive is on another database")
    archive = cli.open_archive()  # creates or upgrades the schema, so the names below exist
    archive.close()
    database = Path(config.db_url.split("///", 1)[-1]).stem
    text = json.dumps(metadata(database), indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        command = shlex.join(
            ["datasette", config.db_url.split("///", 1)[-1], "-m", str(out), *settings_argv()]
        )
        click.echo(f"wrote {out}; run: {command} (or: newsarchive datasette)", err=True)
