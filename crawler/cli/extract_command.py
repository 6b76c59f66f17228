"""``newsarchive extract``: pages in, one JSON object a line out.

    newsarchive extract PATH_OR_URL ... [--url URL] [--manifest FILE.jsonl]
                        [--fetched-at ISO] [--jobs N]

Results go to stdout as JSON Lines (UTF-8), in input order; a page that
cannot be read or fetched gives a line with an ``error`` key, the other
pages are still processed, and the exit status is 1 at the end.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click


def _parse_fetched_at(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 date or datetime: {value!r}") from None


@click.command("extract")
@click.argument("inputs", nargs=-1)
@click.option("--url", help="The page URL of a single file input (for links and canonical URLs).")
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False, allow_dash=True),
    help='JSON Lines file of {"id", "path", "url"} objects ("-" for stdin).',
)
@click.option(
    "--fetched-at",
    callback=_parse_fetched_at,
    help="When the pages were fetched (ISO 8601); dates later than this are not guessed.",
)
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores)."
)
def extract(
    inputs: tuple[str, ...],
    url: str | None,
    manifest: str | None,
    fetched_at: datetime | None,
    jobs: int | None,
) -> None:
    """Extract articles from HTML files (.html, .html.gz) or http(s) URLs."""
    from newsarchive.crawler.extract.batch import extract_many
    from newsarchive.crawler.extract.inputs import from_arguments, from_manifest

    if not inputs and not manifest:
        raise click.UsageError("give at least one PATH_OR_URL or --manifest")
    if url and len(inputs) != 1:
        raise click.UsageError("--url applies to exactly one PATH_OR_URL")

    def items():  # type: ignore[no-untyped-def]
        yield from from_arguments(list(inputs), url)
        if manifest == "-":
            yield from from_manifest(iter(sys.stdin))
        elif manifest:
            path = Path(manifest)
            try:
                handle = path.open(encoding="utf-8")
            except OSError as exc:
                raise click.FileError(manifest, hint=str(exc)) from None
            with handle:
                yield from from_manifest(handle, base=path.parent)

    out = click.get_binary_stream("stdout")
    failed = 0
    for record in extract_many(items(), fetched_at=fetched_at, jobs=jobs):
        failed += "error" in record
        out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        out.flush()
    if failed:
        click.echo(f"{failed} input(s) failed", err=True)
        sys.exit(1)


def register(group: click.Group) -> None:
    group.add_command(extract)
