"""`newsarchive reextract`: the archived raw captures read again by the current extractor, no network."""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli
from newsarchive.crawler.cli.import_command import parse_date
from newsarchive.crawler.cli.progress_line import ProgressLine

if TYPE_CHECKING:
    from newsarchive.crawler.reextract.summary import ReextractSummary


@click.command("reextract")
@click.option("--source", help="Only articles of this source.")
@click.option("--domain", "domains", multiple=True, help="Only articles on this exact host (repeatable).")
@click.option(
    "--url", "url_pattern", help="Only articles whose canonical URL matches this regular expression."
)
@click.option("--captured-from", help="Only articles captured at or after (YYYY-MM-DD or ISO 8601, UTC).")
@click.option("--captured-to", help="Only articles captured before (YYYY-MM-DD or ISO 8601, UTC).")
@click.option(
    "--extractor-before",
    type=int,
    help="Only articles with a version from our extractor numbered below N (default: any other than the current).",
)
@click.option("--all", "everything", is_flag=True, help="Every selected article, even those already current.")
@click.option(
    "--dry-run", is_flag=True, help="Write nothing: count the articles that would change, show some diffs."
)
@click.option("--workers", type=int, help="Extraction processes (default: one per core; 0: in this process).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_cli
def reextract_command(
    cli: CliContext,
    source: str | None,
    domains: tuple[str, ...],
    url_pattern: str | None,
    captured_from: str | None,
    captured_to: str | None,
    extractor_before: int | None,
    everything: bool,
    dry_run: bool,
    workers: int | None,
    as_json: bool,
) -> None:
    """Re-extract archived articles from their raw captures with the current extractor.

    By default every article with a version from another extractor version.
    Where the new reading differs, the article gets a new generation of
    versions: the first marked as an extractor change (never a publisher's
    edit), the earlier versions kept as superseded. A second run of the same
    command carries on where an interrupted one stopped. See docs/reextract.md.
    """
    from newsarchive.crawler.reextract.runner import ReextractOptions, Reextractor
    from newsarchive.crawler.reextract.selection import ReextractFilter

    try:
        pattern = re.compile(url_pattern) if url_pattern else None
    except re.error as exc:
        raise click.BadParameter(f"not a regular expression: {exc}", param_hint="--url") from None
    filters = ReextractFilter(
        source=source,
        domains=tuple(d.lower().strip(".") for d in domains),
        url=pattern,
        captured_from=parse_date(captured_from, "--captured-from"),
        captured_to=parse_date(captured_to, "--captured-to"),
        extractor_before=extractor_before,
        everything=everything,
    )
    archive = cli.open_archive()
    progress = ProgressLine(_reextract_progress) if sys.stderr.isatty() else None
    try:
        options = ReextractOptions(filters=filters, workers=workers, dry_run=dry_run)
        summary = Reextractor(archive, options, progress=progress).run()
    except KeyboardInterrupt:
        # Every rebuilt article is committed with the checkpoint: the same command resumes.
        click.echo("interrupted; run the same command again to resume", err=True)
        raise click.exceptions.Exit(130) from None
    finally:
        if progress is not None:
            progress.done()
        archive.close()
    click.echo(json.dumps(summary.to_dict(), indent=2) if as_json else summary.to_text())


def _reextract_progress(summary: ReextractSummary, seconds: float) -> str:
    """Articles and captures per second."""
    return (
        f"{summary.articles} articles, {summary.captures} captures, {summary.changed} changed, "
        f"{summary.captures / seconds:.0f} captures/s"
    )


def register(group: click.Group) -> None:
    group.add_command(reextract_command)
