"""`newsarchive import WARC_FILE...`: web archives in, through the crawl's extract and version path."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli
from newsarchive.crawler.cli.progress_line import ProgressLine

if TYPE_CHECKING:
    from newsarchive.crawler.warcin.summary import ImportSummary
    from newsarchive.storage.unwritable import ArchiveUnwritable


@click.command("import")
@click.argument("warc_files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "from_list",
    type=click.File("r"),
    help="A file listing WARC paths, one a line ('-' for stdin).",
)
@click.option("--domain", "domains", multiple=True, help="Only pages on this domain or its subdomains.")
@click.option("--host", "hosts", multiple=True, help="Only pages on this exact host.")
@click.option("--url", "url_pattern", help="Only URLs matching this regular expression.")
@click.option("--from-date", help="Only records with WARC-Date at or after (YYYY-MM-DD or ISO 8601, UTC).")
@click.option("--to-date", help="Only records with WARC-Date before (YYYY-MM-DD or ISO 8601, UTC).")
@click.option(
    "--language",
    "languages",
    multiple=True,
    help="Only pages in this language (en, de, ...): declared by the page, else as extracted.",
)
@click.option("--source", help="Attach the imported pages to this source name.")
@click.option("--copy", is_flag=True, help="Copy the records into the archive's own WARC files.")
@click.option("--workers", type=int, help="Extraction processes (default: one per core; 0: in this process).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_cli
def import_command(
    cli: CliContext,
    warc_files: tuple[Path, ...],
    from_list: click.utils.LazyFile | None,
    domains: tuple[str, ...],
    hosts: tuple[str, ...],
    url_pattern: str | None,
    from_date: str | None,
    to_date: str | None,
    languages: tuple[str, ...],
    source: str | None,
    copy: bool,
    workers: int | None,
    as_json: bool,
) -> None:
    """Import WARC (or ARC) files: each HTML page is extracted, deduplicated and versioned.

    The WARC-Date is the capture time. A page that matches an archived
    version adds a capture, not a version. Captures point at the original
    file and offset (keep the files) unless --copy. A second run of the same
    command skips what the first one finished. See docs/import.md.
    """
    from newsarchive.crawler.warcin.importer import Importer, ImportOptions
    from newsarchive.crawler.warcin.selection import ImportFilter
    from newsarchive.storage.unwritable import ArchiveUnwritable

    paths = list(warc_files)
    if from_list is not None:
        paths += [Path(line.strip()) for line in from_list if line.strip()]
    if not paths:
        raise click.UsageError("give WARC files as arguments or with --from FILE")
    try:
        pattern = re.compile(url_pattern) if url_pattern else None
    except re.error as exc:
        raise click.BadParameter(f"not a regular expression: {exc}", param_hint="--url") from None
    filters = ImportFilter(
        domains=tuple(d.lower().strip(".") for d in domains),
        hosts=tuple(h.lower().strip(".") for h in hosts),
        url=pattern,
        since=parse_date(from_date, "--from-date"),
        until=parse_date(to_date, "--to-date"),
        languages=tuple(code.lower().split("-")[0] for code in languages),
    )
    options = ImportOptions(filters=filters, source=source, copy=copy, workers=workers)
    archive = cli.open_archive()
    progress = ProgressLine(_import_progress) if sys.stderr.isatty() else None
    importer = Importer(archive, options, progress=progress)
    stopped: ArchiveUnwritable | None = None
    try:
        summary = importer.run(paths)
    except ArchiveUnwritable as exc:  # what was committed is whole: the summary says how much
        summary, stopped = importer.summary, exc
    except KeyboardInterrupt:
        # Every committed batch carries its checkpoint: the same command resumes.
        click.echo("interrupted; run the same command again to resume", err=True)
        raise click.exceptions.Exit(130) from None
    finally:
        if progress is not None:
            progress.done()
        archive.close()
    click.echo(json.dumps(summary.to_dict(), indent=2) if as_json else summary.to_text())
    if stopped is not None:
        click.echo(f"error: {stopped_message(stopped)}", err=True)
        sys.exit(1)
    if summary.files_refused:
        for line in summary.files_refused:
            click.echo(f"Error: {line}", err=True)
        sys.exit(1)


def stopped_message(exc: ArchiveUnwritable) -> str:
    """The one line for an import the archive stopped taking: what, why, and what to do."""
    from newsarchive.storage.unwritable import PROBLEMS

    return (
        f"{PROBLEMS[exc.reason]}: import stopped ({exc.detail}); what was committed is kept: "
        "run the same command again once the archive can be written (it resumes after the last batch)"
    )


def parse_date(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"expected YYYY-MM-DD or ISO 8601, got {value!r}", param_hint=option
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _import_progress(summary: ImportSummary, seconds: float) -> str:
    """Records read and records/s."""
    written = sum(summary.outcomes.values())
    return f"{summary.records} records, {summary.html} HTML, {written} written, {summary.records / seconds:.0f} records/s"


def register(group: click.Group) -> None:
    group.add_command(import_command)
