"""`sources list` and `sources check`: the news sources file and each source's last crawl."""

from __future__ import annotations

import json

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli
from newsarchive.crawler.cli.crawl_commands import load, sources_option, sources_path


@click.group("sources")
def sources_group() -> None:
    """The news sources (sources.toml)."""


@sources_group.command("list")
@sources_option
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@pass_cli
def sources_list(cli: CliContext, sources_file: str | None, as_json: bool) -> None:
    """The sources with their schedule and last crawl."""
    from newsarchive.storage.crawl_state.crawl_runs import last_runs

    sources = load(cli, sources_file)
    archive = cli.open_archive()
    try:
        runs = last_runs(archive.sessions)
    finally:
        archive.close()
    rows = []
    for source in sources:
        run = runs.get(source.name)
        stats = ((run.stats or {}).get("sources") or {}).get(source.name, {}) if run else {}
        rows.append(
            {
                "name": source.name,
                "schedule": source.schedule,
                "feeds": len(source.feeds),
                "sitemaps": len(source.sitemaps),
                "pages": len(source.pages),
                "last_crawl": run.started_at.isoformat() if run else None,
                "last_status": run.status if run else None,
                "last_new_articles": stats.get("new_article", 0) if run else None,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        last = (
            f"{row['last_crawl'][:19]} {row['last_status']}, {row['last_new_articles']} new"
            if row["last_crawl"]
            else "never crawled"
        )
        docs = f"{row['feeds']} feeds, {row['sitemaps']} sitemaps, {row['pages']} pages"
        click.echo(f"{row['name']:<20} {row['schedule'] or '(manual)':<16} {docs:<36} last: {last}")


@sources_group.command("check")
@sources_option
@pass_cli
def sources_check(cli: CliContext, sources_file: str | None) -> None:
    """Check the sources file; errors are printed as file:line: reason.

    Each valid source gets a line saying which article URLs its crawl takes.
    """
    from newsarchive.crawler.crawl.admission import describe_rule

    sources = load(cli, sources_file)
    click.echo(f"{sources_path(cli, sources_file)}: {len(sources)} source(s), all valid")
    for source in sources:
        click.echo(f"  {source.name}: {describe_rule(source)}")
