"""`enqueue` and `frontier`: feeding and watching the shared Redis frontier of distributed workers.

Workers are `newsarchive crawl --redis URL` (see crawler/crawl/distributed/workers.py and docs/deploy.md).
"""

from __future__ import annotations

import json
import sys

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli

redis_option = click.option(
    "--redis",
    "redis_url",
    envvar="NEWSARCHIVE_REDIS_URL",
    required=True,
    help="Redis URL of the shared frontier (NEWSARCHIVE_REDIS_URL).",
)


def _default_prefix() -> str:
    # Read when the option is used, not when the CLI loads: the settings module
    # imports Scrapy (and lxml), which `newsarchive --help` must not pay for and
    # which must not load before a crawl command takes over Ctrl-C.
    from newsarchive.crawler.crawl import settings as defaults

    return str(defaults.NEWSARCHIVE_REDIS_PREFIX)


prefix_option = click.option(
    "--prefix",
    envvar="NEWSARCHIVE_REDIS_PREFIX",
    default=_default_prefix,
    show_default="NEWSARCHIVE_REDIS_PREFIX in the crawl settings",
    help="Key prefix of this archive's frontier (NEWSARCHIVE_REDIS_PREFIX).",
)


@click.command()
@click.argument("names", nargs=-1, metavar="[SOURCE]...")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False), help="Sources file (TOML).")
@redis_option
@prefix_option
@pass_cli
def enqueue(
    cli: CliContext, names: tuple[str, ...], sources_file: str | None, redis_url: str, prefix: str
) -> None:
    """Queue the sources' feeds, sitemaps and pages for the workers (a new pass once the last one drained)."""
    from newsarchive.crawler.cli.sources_file import EXIT_BAD_SOURCES, load
    from newsarchive.crawler.crawl.distributed.workers import connect, enqueue_sources
    from newsarchive.crawler.crawl.sources import select_sources

    try:
        chosen = select_sources(load(cli, sources_file), names)
    except KeyError as exc:
        click.echo(f"error: {exc.args[0]}", err=True)
        sys.exit(EXIT_BAD_SOURCES)
    count = enqueue_sources(connect(redis_url), chosen, prefix)
    click.echo(f"queued {count} discovery documents of {len(chosen)} source(s)")


@click.command()
@redis_option
@prefix_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def frontier(redis_url: str, prefix: str, as_json: bool) -> None:
    """The shared frontier: documents waiting and leased, requests queued and leased, URLs seen this pass; revisits."""
    from newsarchive.crawler.crawl.distributed.revisit_queue import RevisitQueue
    from newsarchive.crawler.crawl.distributed.workers import connect, frontier_status

    server = connect(redis_url)
    status = frontier_status(server, prefix)
    revisits = RevisitQueue(server, prefix).status()
    data = {
        **status.__dict__,
        "drained": status.drained,
        "revisits": {**revisits.__dict__, "drained": revisits.drained},
    }
    if as_json:
        click.echo(json.dumps(data))
        return
    click.echo(
        f"documents {status.start_urls} (leased {status.documents_leased}), "
        f"queued {status.queued}, leased {status.leased} "
        f"({status.expired} expired), seen this pass {status.seen}" + (" (drained)" if status.drained else "")
    )
    click.echo(
        f"revisits queued {revisits.queued} over {revisits.domains} domain(s), leased {revisits.leased} "
        f"({revisits.expired} expired)" + (" (drained)" if revisits.drained else "")
    )


def register(group: click.Group) -> None:
    group.add_command(enqueue)
    group.add_command(frontier)
