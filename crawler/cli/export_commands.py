"""`export` and `datasette-metadata` (registered by research_commands)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli
from newsarchive.crawler.cli.extras import extra_hint
from newsarchive.crawler.cli.research_options import build_query, filter_options, pop_filters


@click.command()
@click.argument("query", required=False)
@filter_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet", "warc"]),
    required=True,
    help="jsonl/csv/parquet: one row per version; warc: the raw captures behind them (.warc.gz).",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Output file.")
@pass_cli
def export(cli: CliContext, query: str | None, fmt: str, out: Path, **options: Any) -> None:
    """Export the articles a search selects (all articles without QUERY or filters).

    Streams in constant memory and writes OUT.manifest.json beside OUT: the
    filters, row count, sha256 of the file, software version and time.
    """
    from newsarchive.storage.research.export.formats import export as run_export
    from newsarchive.storage.research.search.query import BadQuery

    if fmt == "warc" and not out.name.endswith(".warc.gz"):
        raise click.ClickException("a WARC export is gzipped per record: name the file *.warc.gz")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ModuleNotFoundError as exc:
            raise click.ClickException(extra_hint("parquet", exc)) from None
    search_query = build_query(query, pop_filters(options))
    archive = cli.open_archive()
    try:
        with archive.sessions() as session:
            result = run_export(session, search_query, fmt, out, warc_dir=archive.config.warc_dir)
    except BadQuery as exc:
        raise click.ClickException(f"bad query: {exc}") from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        archive.close()
    what = "capture record" if fmt == "warc" else "row"
    if result.rows == 0:
        click.echo(f"nothing matched: wrote an empty {fmt} file {out} and its manifest", err=True)
    else:
        click.echo(f"wrote {result.rows} {what}{'s' if result.rows != 1 else ''} to {out}", err=True)
    missing = result.detail.get("missing_records") or []
    if missing:
        click.echo(f"warning: {len(missing)} capture record(s) missing from the WARC directory", err=True)
    click.echo(str(result.manifest))


@click.command("datasette-metadata")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@pass_cli
def datasette_metadata(cli: CliContext, out: Path | None) -> None:
    """Metadata for `datasette archive.db -m metadata.json`: titles, full-text search, the latest_versions view."""
    from newsarchive.storage.research.datasette import metadata

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
        click.echo(f"wrote {out}; run: datasette {config.db_url.split('///', 1)[-1]} -m {out}", err=True)
