"""`search`, `diff`, `changes`, `export` and `datasette-metadata`: the researcher's commands."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli
from newsarchive.crawler.cli.research_options import (
    build_query,
    check_known_names,
    filter_options,
    pop_filters,
)
from newsarchive.crawler.cli.research_output import (
    echo_json,
    render_change,
    render_diff,
    render_hit,
    write_csv,
)

HIT_COLUMNS = [
    "article_id",
    "version_id",
    "version",
    "versions",
    "url",
    "domain",
    "source",
    "title",
    "published",
    "first_seen",
    "last_seen",
    "language",
    "detected_language",
    "cluster_id",
    "authors",
    "score",
    "snippet",
]


@click.command()
@click.argument("query", required=False)
@filter_options
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--cursor", help="Start where the page before ended (its next_cursor, from --json or stderr).")
@click.option("--json", "as_json", is_flag=True, help="The page of hits as a JSON object.")
@click.option("--csv", "as_csv", is_flag=True, help="The hits as CSV.")
@click.option(
    "--timeout",
    type=click.FloatRange(0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds the search may run before it is stopped as too broad.",
)
@pass_cli
def search(cli: CliContext, query: str | None, **options: Any) -> None:
    """Full-text search of archived articles (latest versions unless --all-versions).

    QUERY: words (all must match), "a phrase", this OR that, -excluded, prefix*.
    Without QUERY, the filters alone select, newest first. A QUERY that starts
    with "-" goes after "--": newsarchive search -- "-sport"
    """
    from newsarchive.storage.research.search.query import BadQuery, QueryTooBroad
    from newsarchive.storage.research.search.query import search as run_search

    as_json, as_csv = options.pop("as_json"), options.pop("as_csv")
    timeout = options.pop("timeout")
    filters = pop_filters(options)
    archive = cli.open_archive()
    try:
        with archive.sessions() as session:
            check_known_names(session, filters.get("source"), filters.get("domain"))
            try:
                page = run_search(session, build_query(query, filters, **options), timeout=timeout)
            except QueryTooBroad as exc:
                raise click.ClickException(f"{exc} (or raise --timeout)") from None
            except BadQuery as exc:
                raise click.ClickException(f"bad query: {exc}") from None
    finally:
        archive.close()
    hits = [hit.to_dict() for hit in page.hits]
    if as_json:
        echo_json(
            {
                "total": page.total,
                "total_exact": page.total_exact,
                "limit": page.limit,
                "offset": page.offset,
                "next_cursor": page.next_cursor,
                "ranked": page.ranked,
                "hits": hits,
            }
        )
    elif as_csv:
        write_csv(hits, HIT_COLUMNS)
    else:
        shown = f"{page.offset + 1}-{page.offset + len(hits)}" if hits else "none"
        total = f"{page.total}" if page.total_exact else f"more than {page.total:,}"
        click.echo(f"{total} match{'es' if page.total != 1 else ''} (showing {shown})", err=True)
        if page.ranked:
            click.echo(
                f"ranked by relevance among the newest {page.ranked:,} (--sort date reaches every match)",
                err=True,
            )
        if page.next_cursor:
            click.echo(f"next page: --cursor {page.next_cursor}", err=True)
        for number, hit in enumerate(hits, start=page.offset + 1):
            click.echo(render_hit(number, hit))


@click.command()
@click.argument("url")
@click.option("--from", "from_number", type=int, help="Older version number (default: the one before --to).")
@click.option("--to", "to_number", type=int, help="Newer version number (default: the latest).")
@click.option("--json", "as_json", is_flag=True, help="The diff as JSON (runs of equal/insert/delete text).")
@click.option("--full", is_flag=True, help="Show long unchanged passages in full.")
@click.option("--color/--no-color", default=None, help="Colour (default: when stdout is a terminal).")
@pass_cli
def diff(
    cli: CliContext,
    url: str,
    from_number: int | None,
    to_number: int | None,
    as_json: bool,
    full: bool,
    color: bool | None,
) -> None:
    """Word-level diff of an article's headline, text and captions between two versions."""
    from newsarchive.storage.research.diffs import version_diff
    from newsarchive.storage.research.read import NotFound, find_article, get_version

    archive = cli.open_archive()
    try:
        with archive.sessions() as session:
            try:
                article = find_article(session, url)
                to_number = to_number or article.version_count
                from_number = from_number or to_number - 1
                if from_number < 1:
                    raise click.ClickException(
                        f"{article.canonical_url} has {article.version_count} version(s): nothing to compare"
                    )
                # The newer side first, so "--to 7" is reported as itself.
                new = get_version(session, article, to_number)
                data = version_diff(get_version(session, article, from_number), new)
            except (NotFound, ValueError) as exc:
                raise click.ClickException(str(exc)) from None
            canonical = article.canonical_url
    finally:
        archive.close()
    if as_json:
        echo_json({"url": canonical, **data})
        return
    use_color = sys.stdout.isatty() if color is None else color
    click.echo(render_diff(data, canonical, color=use_color, full=full), color=use_color)


CHANGE_COLUMNS = [
    "seen_at",
    "edited_after",
    "url",
    "domain",
    "source",
    "version",
    "versions",
    "headline_changed",
    "old_title",
    "title",
    "words_added",
    "words_removed",
    "captions_changed",
    "dates_changed",
    "note_appeared",
    "kinds",
    "revert_of",
    "cause",
    "article_id",
    "version_id",
]
_MOMENT = click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"])


@click.command()
@click.option("--source", help="Source name.")
@click.option("--domain", help="Exact host name.")
@click.option("--since", type=_MOMENT, help="Edits first seen from this UTC date/time.")
@click.option("--until", type=_MOMENT, help="Edits first seen up to this UTC date/time.")
@click.option("--headline-only", is_flag=True, help="Only edits that changed the headline.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    help="Only edits of this kind (repeat for any of several): typo, wording, substantive, headline, "
    "byline, correction, live-update, revert, rewrite; headline-test: versions in a headline A/B test.",
)
@click.option(
    "--include-extractor",
    is_flag=True,
    help="Also versions made by a re-extraction (an extractor change, not the publisher's edit).",
)
@click.option("--ab-tests", is_flag=True, help="Only versions in a headline A/B test (--kind headline-test).")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON array.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV.")
@pass_cli
def changes(
    cli: CliContext,
    source: str | None,
    domain: str | None,
    since: datetime | None,
    until: datetime | None,
    headline_only: bool,
    kinds: tuple[str, ...],
    include_extractor: bool,
    ab_tests: bool,
    limit: int,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Recent edits (versions after the first), newest first: e.g. --kind substantive --since 2026-03-01."""
    from newsarchive.storage.research.changes import check_kinds, recent_changes
    from newsarchive.storage.stories.headline_tests import HEADLINE_TEST

    if ab_tests:
        kinds = (*kinds, HEADLINE_TEST)

    try:
        check_kinds(kinds)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--kind") from None

    archive = cli.open_archive()
    try:
        with archive.sessions() as session:
            check_known_names(session, source, domain)
            rows = [
                entry.to_dict()
                for entry in recent_changes(
                    session,
                    source=source,
                    domain=domain,
                    since=since,
                    until=until,
                    headline_only=headline_only,
                    kinds=kinds,
                    limit=limit,
                    include_extractor=include_extractor,
                )
            ]
    finally:
        archive.close()
    if as_json:
        echo_json(rows)
    elif as_csv:
        write_csv(rows, CHANGE_COLUMNS)
    else:
        click.echo(f"{len(rows)} edit{'s' if len(rows) != 1 else ''}", err=True)
        for row in rows:
            click.echo(render_change(row))


def register(group: click.Group) -> None:
    from newsarchive.crawler.cli.datasette_command import datasette
    from newsarchive.crawler.cli.export_commands import datasette_metadata, export

    for command in (search, diff, changes, export, datasette_metadata, datasette):
        group.add_command(command)
