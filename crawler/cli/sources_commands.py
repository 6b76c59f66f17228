"""`sources list` and `sources check`: the news sources file and each source's last crawl."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli
from newsarchive.crawler.cli.sources_file import load, sources_option, sources_path

if TYPE_CHECKING:
    from newsarchive.crawler.crawl.sources import Source
    from newsarchive.storage.models import CrawlRun


@click.group("sources")
def sources_group() -> None:
    """The news sources (sources.toml)."""


@sources_group.command("list")
@sources_option
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@pass_cli
def sources_list(cli: CliContext, sources_file: str | None, as_json: bool) -> None:
    """The sources with their schedule and last crawl.

    Without a sources file (none given, none in the data directory), the
    sources the archive's crawl runs name, with their last crawl.
    """
    from newsarchive.crawler.crawl.sources import Source
    from newsarchive.storage.crawl_state.crawl_runs import last_runs

    path = sources_path(cli, sources_file)
    from_file = sources_file is not None or path.exists()
    sources = load(cli, sources_file) if from_file else []
    archive = cli.open_archive()
    try:
        runs = last_runs(archive.sessions)
    finally:
        archive.close()
    if not from_file:
        # Crawled with --sources elsewhere: the archive still knows the names and their runs.
        sources = [Source(name=name) for name in sorted(runs)]
        click.echo(
            f"no sources file at {path}: the sources of past crawls (pass --sources FILE for the rest)"
            if runs
            else f"no sources file at {path} and no crawl yet: pass --sources FILE or copy one there",
            err=True,
        )
    rows = [_row(source, runs.get(source.name), from_file) for source in sources]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        last = (
            f"{row['last_crawl'][:19]} {row['last_status']}, {row['last_new_articles']} new"
            if row["last_crawl"]
            else "never crawled"
        )
        docs = (
            f"{row['feeds']} feeds, {row['sitemaps']} sitemaps, {row['pages']} pages"
            if from_file
            else "(not in a sources file)"
        )
        click.echo(
            f"{row['name']:<20} {row['schedule'] or ('(manual)' if from_file else ''):<16} {docs:<36} last: {last}"
        )


def _row(source: Source, run: CrawlRun | None, from_file: bool) -> dict[str, Any]:
    stats = ((run.stats or {}).get("sources") or {}).get(source.name, {}) if run else {}
    return {
        "name": source.name,
        "schedule": source.schedule,
        "feeds": len(source.feeds) if from_file else None,
        "sitemaps": len(source.sitemaps) if from_file else None,
        "pages": len(source.pages) if from_file else None,
        "last_crawl": run.started_at.isoformat() if run else None,
        "last_status": run.status if run else None,
        "last_new_articles": stats.get("new_article", 0) if run else None,
    }


@sources_group.command("check")
@sources_option
@pass_cli
def sources_check(cli: CliContext, sources_file: str | None) -> None:
    """Check the sources file: every error as file:line: reason (exit 2), a warning if it lists none.

    Each valid source gets a line saying which article URLs its crawl takes.
    """
    from newsarchive.crawler.crawl.admission import describe_rule

    sources = load(cli, sources_file)
    path = sources_path(cli, sources_file)
    if not sources:
        click.echo(f"warning: {path}: no [[source]] tables: a crawl would have nothing to do", err=True)
        return
    click.echo(f"{path}: {len(sources)} source(s), all valid")
    for source in sources:
        click.echo(f"  {source.name}: {describe_rule(source)}")


def register(group: click.Group) -> None:
    group.add_command(sources_group)
