"""`crawl`, `revisit`, `sources` and `schedule`: scheduled crawling of news sources."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli, stop_cleanly
from newsarchive.crawler.cli.sources_file import (
    EXIT_BAD_SOURCES,
    load,
    sources_option,
    sources_path,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from newsarchive.crawler.crawl.crawling import PassReport
    from newsarchive.crawler.crawl.sources import Source
    from newsarchive.storage.archive import Archive
    from newsarchive.storage.crawl_state.revisit_due import DueArticle

# Exit statuses cron can tell apart (EXIT_BAD_SOURCES: sources_file.py).
EXIT_SOURCE_FAILED = 1
EXIT_INTERRUPTED = 130

SUMMARY_LABELS = (
    ("discovered", "discovered"),
    ("already_archived", "already archived"),
    ("resumed", "resumed from last run"),
    ("fetched", "fetched"),
    ("new_article", "new articles"),
    ("new_version", "new versions"),
    ("unchanged", "unchanged"),
    ("not_modified", "not modified (304)"),
    ("gone", "gone"),
    ("failed", "failed"),
    ("unrecorded", "fetched but not recorded"),
    ("walled", "walls (not versions)"),
    ("skipped", "skipped by robots.txt"),
)

overrides_option = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting for this run.",
)
no_throttle_option = click.option(
    "--no-throttle",
    is_flag=True,
    help="No delays, no AutoThrottle, no backoff: for a local or benchmark host you own only.",
)


def run_overrides(cli: CliContext, overrides: tuple[str, ...], no_throttle: bool) -> dict[str, Any]:
    from newsarchive.crawler.crawl.crawling import NO_THROTTLE

    base: dict[str, Any] = {"LOG_LEVEL": "INFO" if cli.verbose > 1 else "WARNING" if cli.verbose else "ERROR"}
    return {**base, **(NO_THROTTLE if no_throttle else {}), **cli.overrides(overrides)}


def print_summary(report: PassReport, as_json: bool) -> None:
    for name, other in report.busy.items():  # on stderr, with --json too: it explains a quiet run
        where = f"pid {other.pid} on {other.host}" if other.pid else "another process"
        click.echo(
            f"source {name} skipped: crawl run {other.run_id} ({where}, started "
            f"{other.started_at:%Y-%m-%d %H:%M} UTC) is still crawling it",
            err=True,
        )
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    totals = report.totals
    parts = [
        f"{label} {totals.get(key, 0)}"
        for key, label in SUMMARY_LABELS
        if totals.get(key, 0) or key in ("fetched", "new_article", "new_version", "failed")
    ]
    problems = "".join(f"; {name}: {why}" for name, why in report.source_problems.items())
    click.echo(f"run {report.run_id} {report.status}: " + ", ".join(parts) + problems)
    if report.error:
        click.echo(f"error: {report.error}", err=True)
    for name in report.failed_sources:
        why = report.source_problems.get(name, "none of its feeds, sitemaps or pages could be read")
        click.echo(f"source {name} failed: {why}", err=True)


def exit_for(report: PassReport) -> None:
    if report.status == "interrupted":
        sys.exit(EXIT_INTERRUPTED)
    if report.failed_sources or report.status == "failed":
        sys.exit(EXIT_SOURCE_FAILED)


def _forget_removed_sources(archive: Archive, sources: Sequence[Source]) -> None:
    """Queued URLs of sources no longer in the sources file would wait forever: drop them.

    Only when asked (`--forget-removed`): an archive may be fed from more than
    one sources file, and a crawl of one must not take the others' sources for
    removed. All of the file's sources are kept, named on the command line or not.
    """
    from newsarchive.storage.crawl_state.frontier import Frontier

    dropped = Frontier(archive.sessions).drop_sources([s.name for s in sources])
    if dropped:
        click.echo(f"dropped {dropped} queued URLs of sources no longer in the sources file", err=True)


@click.command()
@click.argument("names", nargs=-1, metavar="[SOURCE]...")
@sources_option
@no_throttle_option
@overrides_option
@click.option("--json", "as_json", is_flag=True, help="The summary as one JSON object.")
@click.option(
    "--forget-removed",
    is_flag=True,
    help="Drop queued URLs of sources that are not in this sources file (they would wait forever).",
)
@click.option(
    "--redis",
    "redis_url",
    envvar="NEWSARCHIVE_REDIS_URL",
    help="Work as one of many workers on this shared Redis frontier (fed by `enqueue`; docs/deploy.md).",
)
@pass_cli
def crawl(
    cli: CliContext,
    names: tuple[str, ...],
    sources_file: str | None,
    no_throttle: bool,
    overrides: tuple[str, ...],
    as_json: bool,
    forget_removed: bool,
    redis_url: str | None,
) -> None:
    """One pass over the named sources (all by default): discover and archive new articles.

    Articles already archived are left to `revisit`. An interrupted crawl resumes
    on the next run. Exits 1 when a source fails entirely, 2 on a bad sources
    file, 130 when interrupted.
    """
    stop_cleanly()
    from newsarchive.crawler.crawl.crawling import crawl_pass
    from newsarchive.crawler.crawl.sources import select_sources

    if forget_removed and redis_url:
        # Redis workers do not own the archive's frontier table: the shared
        # queue lives in Redis, and `enqueue` decides what goes into it.
        raise click.UsageError("--forget-removed works on this archive's own frontier, not with --redis")
    try:
        listed = load(cli, sources_file)
        chosen = select_sources(listed, names)
    except KeyError as exc:
        click.echo(f"error: {exc.args[0]}", err=True)
        sys.exit(EXIT_BAD_SOURCES)
    if not chosen:
        click.echo("error: the sources file lists no source", err=True)
        sys.exit(EXIT_BAD_SOURCES)
    archive = cli.open_archive()
    try:
        if redis_url:
            from newsarchive.crawler.crawl.distributed.workers import worker_pass

            report = worker_pass(archive, chosen, redis_url, run_overrides(cli, overrides, no_throttle))
        else:
            if forget_removed:
                _forget_removed_sources(archive, listed)
            report = crawl_pass(archive, chosen, run_overrides(cli, overrides, no_throttle))
    finally:
        archive.close()
    print_summary(report, as_json)
    exit_for(report)


@click.command()
@click.argument("urls", nargs=-1, metavar="[URL]...")
@click.option("--all", "every", is_flag=True, help="Every archived article (of --source), due or not.")
@click.option("--source", "source_name", help="Only articles of this source.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many articles (most overdue first).")
@sources_option
@no_throttle_option
@overrides_option
@click.option("--json", "as_json", is_flag=True, help="The summary as one JSON object.")
@click.option(
    "--redis",
    "redis_url",
    envvar="NEWSARCHIVE_REDIS_URL",
    help="Share the pass with other workers through this Redis (docs/deploy.md): queue the due "
    "articles once, then fetch a share of them.",
)
@click.option(
    "--queue-only",
    is_flag=True,
    help="With --redis: queue the due articles for the workers, fetch nothing.",
)
@pass_cli
def revisit(
    cli: CliContext,
    urls: tuple[str, ...],
    every: bool,
    source_name: str | None,
    limit: int | None,
    sources_file: str | None,
    no_throttle: bool,
    overrides: tuple[str, ...],
    as_json: bool,
    redis_url: str | None,
    queue_only: bool,
) -> None:
    """Fetch archived articles that are due for a check: edits become new versions.

    A deleted article (404, 410, a redirect to the home page) gets a "gone"
    event in its history; nothing is deleted. Given URLs, or --all, checks
    those articles now, due or not (a URL not in the archive: exit 2, nothing fetched).
    With --redis the pass is shared: queued once in Redis, fetched by every
    `revisit --redis` process under leases (docs/deploy.md).
    """
    stop_cleanly()
    from newsarchive.crawler.crawl.crawling import revisit_pass
    from newsarchive.storage.crawl_state.revisit_due import due_articles
    from newsarchive.storage.research.revisit_now import articles_now

    if urls and every:
        raise click.UsageError("give URLs or --all, not both")
    if queue_only and not redis_url:
        raise click.UsageError(
            "--queue-only queues for Redis workers: give --redis (or NEWSARCHIVE_REDIS_URL)"
        )

    sources = load(cli, sources_file, required=False)
    archive = cli.open_archive()

    def select() -> Sequence[DueArticle]:
        if urls or every:
            due, unknown = articles_now(archive.sessions, urls, source=source_name, limit=limit)
            for url in unknown:
                click.echo(f"error: {url}: not in the archive (capture it first)", err=True)
            if unknown:
                sys.exit(EXIT_BAD_SOURCES)
            return due
        due = due_articles(archive.sessions, source=source_name, limit=limit)
        if not due:
            _say_when_next_due(archive, source_name)
        return due

    try:
        run = run_overrides(cli, overrides, no_throttle)
        if redis_url:
            report = _distributed_revisit(
                archive, sources, redis_url, run, select, bool(urls or every), queue_only
            )
            if report is None:
                return
        else:
            report = revisit_pass(archive, select(), sources, run)
    finally:
        archive.close()
    print_summary(report, as_json)
    exit_for(report)


def _distributed_revisit(
    archive: Archive,
    sources: Sequence[Source],
    redis_url: str,
    overrides: dict[str, Any],
    select: Callable[[], Sequence[DueArticle]],
    named: bool,
    queue_only: bool,
) -> PassReport | None:
    """Coordinate (queue the pass once), then, unless queue_only, work on it; None when only queueing."""
    from newsarchive.crawler.crawl.distributed.revisit_queue import RevisitQueue
    from newsarchive.crawler.crawl.distributed.revisits import (
        coordinate,
        politeness_gaps,
        revisit_worker_pass,
    )
    from newsarchive.crawler.crawl.distributed.workers import DEFAULT_IDLE_SECONDS, connect
    from newsarchive.crawler.crawl.runner import build_settings

    settings = build_settings(archive.config, overrides)
    queue = RevisitQueue(
        connect(redis_url),
        settings.get("NEWSARCHIVE_REDIS_PREFIX"),
        settings.getfloat("NEWSARCHIVE_REDIS_LEASE"),
    )
    done = coordinate(queue, select, politeness_gaps(sources, settings), force=named)
    click.echo(done.why, err=True)
    if queue_only:
        return None
    idle = overrides.get("MAX_IDLE_TIME_BEFORE_CLOSE")
    return revisit_worker_pass(
        archive, queue, sources, overrides, float(idle if idle is not None else DEFAULT_IDLE_SECONDS)
    )


def _say_when_next_due(archive: Archive, source: str | None) -> None:
    """Nothing to revisit now: say when there will be, so an empty run is not a mystery."""
    from datetime import UTC, datetime

    from newsarchive.storage.crawl_state.revisit_due import next_due

    when = next_due(archive.sessions, source=source)
    of = f" of source {source}" if source else ""
    if when is None:
        click.echo(f"nothing to revisit: no archived article{of} is scheduled for a check", err=True)
        return
    minutes = max(0, round((when - datetime.now(UTC)).total_seconds() / 60))
    wait = f"in {minutes} min" if minutes < 120 else f"in {minutes / 60:.1f} h"
    click.echo(f"nothing due: the next article{of} is due at {when:%Y-%m-%d %H:%M} UTC ({wait})", err=True)


@click.command()
@sources_option
@click.option("--revisit-every", default="5m", show_default=True, help="How often the revisit job runs.")
@click.option(
    "--revisit-limit",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Articles per revisit run.",
)
@click.option(
    "--timeout",
    "timeout",
    default="2h",
    show_default=True,
    help="A crawl subprocess is stopped after this long.",
)
@click.option(
    "--misfire-grace",
    default="1h",
    show_default=True,
    help="A run missed during downtime still runs if this late.",
)
@no_throttle_option
@overrides_option
@click.option(
    "--redis",
    "redis_url",
    envvar="NEWSARCHIVE_REDIS_URL",
    help="Do not crawl: queue each source's documents on this Redis frontier for the workers.",
)
@pass_cli
def schedule(
    cli: CliContext,
    sources_file: str | None,
    revisit_every: str,
    revisit_limit: int,
    timeout: str,
    misfire_grace: str,
    no_throttle: bool,
    overrides: tuple[str, ...],
    redis_url: str | None,
) -> None:
    """Run crawls on each source's cron schedule, and revisits, until stopped (SIGTERM, Ctrl-C).

    Jobs are kept in the archive database, so a restart neither loses nor
    duplicates them; a second scheduler on the same archive refuses to start.
    """
    import logging

    from newsarchive.crawler.crawl.schedule.scheduler import SchedulerOptions, run_scheduler
    from newsarchive.crawler.crawl.sources import parse_duration

    if not cli.verbose:  # a long-running service says what it starts and stops
        logging.getLogger("newsarchive.scheduler").setLevel(logging.INFO)

    path = sources_path(cli, sources_file)
    sources = load(cli, sources_file)
    cli.open_archive().close()  # create or upgrade the schema first
    try:
        options = SchedulerOptions(
            config=cli.config(),
            sources_file=path.resolve(),
            revisit_every=parse_duration(revisit_every),
            revisit_limit=revisit_limit,
            timeout=parse_duration(timeout),
            misfire_grace=parse_duration(misfire_grace),
            # The scheduled crawls get this command's allow-list (before its own -s).
            extra_args=(["--no-throttle"] if no_throttle else [])
            + [f"-s{name}={value}" for name, value in cli.overrides(overrides).items()],
            redis_url=redis_url,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    sys.exit(run_scheduler(options, sources))


def register(group: click.Group) -> None:
    for command in (crawl, revisit, schedule):
        group.add_command(command)
