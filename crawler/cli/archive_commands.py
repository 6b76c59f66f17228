"""`capture`, `show`, `history` and `db`: the archive's core commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli, stop_cleanly

if TYPE_CHECKING:
    from newsarchive.storage.write.results import CaptureResult

OUTCOME_LABELS = {
    "new_article": "new article",
    "new_version": "new version",
    "unchanged": "unchanged",
    "not_modified": "unchanged (304)",
    "gone": "gone",
    "failed": "failed",
    "skipped": "skipped",
    "walled": "walled",
    "requisite": "requisite",
}


# Seconds a URL may take in all before `capture` records it as failed: someone
# capturing a page wants an answer within a minute, start-up and writing included.
CAPTURE_TIMEOUT = 45.0


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.command()
@click.argument("urls", nargs=-1)
@click.option(
    "--from",
    "from_file",
    type=click.File("r", encoding="utf-8"),
    help="Read URLs from this file, one a line ('-': standard input; blank lines and # comments skipped).",
)
@click.option(
    "--ignore-robots", is_flag=True, help="Fetch even where robots.txt forbids it (recorded on the capture)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per URL instead of a line of text.")
@click.option(
    "--requisites",
    is_flag=True,
    help="Also archive each page's images and stylesheets (robots.txt obeyed), so its replay looks as it did.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=CAPTURE_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a URL after this long in all (robots.txt, retries and redirects included); "
    "recorded as a failed capture.",
)
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting for this run.",
)
@pass_cli
def capture(
    cli: CliContext,
    urls: tuple[str, ...],
    from_file: TextIO | None,
    ignore_robots: bool,
    as_json: bool,
    requisites: bool,
    timeout: float,
    overrides: tuple[str, ...],
) -> None:
    """Fetch URLS now and archive them: new article, new version, or unchanged.

    `capture -` reads the URLs from standard input, `--from FILE` from a file;
    however many there are, they are fetched in one run.

    Exits 1 if any URL failed (each failure is recorded with its reason) or
    served a wall in place of the article (a consent wall, a paywall teaser, a
    bot challenge, ...: recorded and kept in the WARC, never a version); 2 if
    any URL is malformed: then nothing is fetched.
    """
    stop_cleanly()
    from newsarchive.storage.write.dedup import BadURL, check_url

    settings_overrides = cli.overrides(overrides)  # a bad -s is a usage error before anything runs
    urls = _with_listed_urls(urls, from_file)
    if not urls:
        raise click.UsageError("give URLs, '-' to read them from standard input, or --from FILE")

    good: list[str] = []
    bad = 0
    for url in urls:
        try:
            good.append(check_url(url))
        except BadURL as exc:
            bad += 1
            click.echo(f"error: {url}: {exc}", err=True)
    if bad:
        # All or nothing: a typo in one of many URLs is fixed and the batch run
        # again, not half-captured (the README's promise).
        click.echo(f"nothing fetched: {bad} malformed URL{'s' if bad > 1 else ''}", err=True)
        sys.exit(2)
    from newsarchive.crawler.crawl.disk_full import stop_message
    from newsarchive.crawler.crawl.runner import build_settings, run_spider
    from newsarchive.crawler.crawl.spiders.capture import CaptureSpider

    cli.open_archive().close()  # create or upgrade the schema before Scrapy starts
    settings = build_settings(
        cli.config(),
        {
            "LOG_LEVEL": "INFO" if cli.verbose else "ERROR",
            "NEWSARCHIVE_FETCH_DEADLINE": timeout,
            **settings_overrides,
        },
    )
    report = run_spider(
        CaptureSpider, settings, urls=good, ignore_robots=ignore_robots, requisites=requisites
    )
    asked = set(good)
    # Requisites kept are counted, not listed (one that could not be fetched is
    # left out, never recorded: a broken image does not fail its page's capture).
    page_results: list[CaptureResult] = []
    extra: list[CaptureResult] = []
    for result in report.results:
        (page_results if result.url in asked and result.outcome != "requisite" else extra).append(result)
    reported = {r.url for r in page_results}
    failed = 0
    for result in page_results:
        if not result.ok:
            failed += 1
        if as_json:
            click.echo(json.dumps(result.__dict__, ensure_ascii=False, default=str))
            continue
        label = OUTCOME_LABELS.get(result.outcome, result.outcome)
        if result.ok:
            version = f"v{result.version}" if result.version else ""
            title = f'  "{result.title}"' if result.title else ""
            click.echo(f"{label:<16}{version:<5}{result.article_url or result.url}{title}")
        else:
            click.echo(f"{label:<16}     {result.url}: {result.reason}")
    if extra:
        if as_json:
            for result in extra:
                click.echo(json.dumps(result.__dict__, ensure_ascii=False, default=str))
        else:
            click.echo(f"{'requisites':<16}     {len(extra)} kept for replay")
    finish_reason = report.stats.get("finish_reason")
    unwritable = stop_message(finish_reason)
    for url in good:
        if url not in reported:  # the crawl ended without a word on this URL
            failed += 1
            why = "not recorded, see below" if unwritable else "the crawl stopped early; see -v"
            if not unwritable:  # a deadline or a crash: keep the attempt as a failed capture
                _record_no_result(cli, url, f"no result: the capture stopped early ({finish_reason})")
            click.echo(f"{'failed':<16}     {url}: no result ({why})")
    if unwritable:
        click.echo(f"error: {unwritable}", err=True)
    if failed:
        sys.exit(1)


def _with_listed_urls(urls: tuple[str, ...], from_file: TextIO | None) -> tuple[str, ...]:
    """The command line's URLs with those of --from FILE and of '-' (stdin) in their place."""
    found: list[str] = []
    for url in urls:
        found.extend(_read_urls(click.get_text_stream("stdin")) if url == "-" else [url])
    if from_file is not None:
        found.extend(_read_urls(from_file))
    return tuple(found)


def _read_urls(lines: Iterable[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _record_no_result(cli: CliContext, url: str, reason: str) -> None:
    """A URL the capture never got to record, kept as a failed capture (best effort)."""
    from datetime import UTC, datetime

    from sqlalchemy.exc import SQLAlchemyError

    from newsarchive.storage.fetch import Fetch

    try:
        archive = cli.open_archive()
        try:
            archive.service.record_failure(
                Fetch(requested_url=url, fetched_at=datetime.now(UTC), error=reason)
            )
        finally:
            archive.close()
    except (SQLAlchemyError, OSError, click.ClickException):
        pass  # the line printed for this URL still says it failed


@click.command()
@click.argument("url")
@click.option("--version", "number", type=int, help="Version number (default: the latest).")
@click.option(
    "--extractor",
    help="The newest version read by this extractor (our number, e.g. 5, or the whole version string): "
    "an earlier extraction a re-extraction superseded.",
)
@click.option("--json", "as_json", is_flag=True, help="The archived version as JSON.")
@pass_cli
def show(cli: CliContext, url: str, number: int | None, extractor: str | None, as_json: bool) -> None:
    """Show an archived article (by URL or id) as it was at one version."""
    from newsarchive.storage.research.read import (
        NotFound,
        find_article,
        get_version,
        version_by_extractor,
        version_to_dict,
    )
    from newsarchive.storage.research.stories import cluster_info
    from newsarchive.storage.stories.headline_test_rows import headline_tests

    if number is not None and extractor is not None:
        raise click.UsageError("give --version or --extractor, not both")
    archive = cli.open_archive()
    try:
        with archive.sessions() as session:
            try:
                article = find_article(session, url)
                if extractor is not None:
                    version = version_by_extractor(session, article, extractor.strip())
                else:
                    version = get_version(session, article, number)
            except NotFound as exc:
                raise click.ClickException(str(exc)) from None
            data = version_to_dict(article, version)
            data["headline_tests"] = headline_tests(session, article.id)
            info = cluster_info(session, article)
            data["cluster"] = info.to_dict() if info else None
    finally:
        archive.close()
    if as_json:
        _echo_json(data)
        return
    click.secho(data["title"] or "(no title)", bold=True)
    byline = ", ".join(data["authors"]) if data["authors"] else "unknown author"
    click.echo(f"{data['url']}")
    click.echo(f"{byline} · version {data['version']} of {data['versions']} · {data['status']}")
    # Our observations and the publisher's declarations side by side: they often disagree.
    click.echo(
        f"observed (UTC): article first seen {data['article_first_seen'][:16]} · "
        f"this version {data['first_seen'][:16]} .. {data['last_seen'][:16]} · "
        f"last checked {data['last_checked'][:16]}"
    )
    click.echo(f"declared: published {data['published'] or '?'} · modified {data['modified'] or '?'}")
    click.echo(f"extractor: {data['extractor_version']}")
    if data["superseded_at"]:
        click.echo(f"superseded {data['superseded_at'][:16]}: a re-extraction replaced this reading (kept)")
    if not data["language"] and data["detected_language"]:
        click.echo(f"language: {data['detected_language']} (detected; the page declares none)")
    if data["cluster"] and data["cluster"]["size"] > 1:
        cluster = data["cluster"]
        click.echo(
            f"story: cluster {cluster['cluster_id']}, {cluster['size']} articles, first seen at "
            f"{cluster['first_domain']} {cluster['first_seen'][:16]} (`newsarchive similar` lists them)"
        )
    for test in data["headline_tests"]:
        click.echo(f"headline test: {test['headlines']} headlines, {test['flips']} switch(es) back")
    click.echo()
    click.echo(data["text"])
    if data["captions"]:
        click.echo()
        click.secho("Captions", bold=True)
        for caption in data["captions"]:
            credit = f" ({caption['credit']})" if caption.get("credit") else ""
            click.echo(f"- {caption['caption']}{credit}")


@click.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of versions.")
@pass_cli
def history(cli: CliContext, url: str, as_json: bool) -> None:
    """List the versions of an archived article, oldest first, then its events (gone, returned, walled)."""
    from newsarchive.storage.research.read import NotFound, events, find_article
    from newsarchive.storage.research.read import history as read_history
    from newsarchive.storage.stories.headline_test_rows import headline_tests

    archive = cli.open_archive()
    try:
        with archive.sessions() as session:
            try:
                article = find_article(session, url)
            except NotFound as exc:
                raise click.ClickException(str(exc)) from None
            entries = read_history(session, article)
            article_events = events(session, article)
            tests = headline_tests(session, article.id)
            canonical, status = article.canonical_url, article.status
            observed = (article.first_seen_at, article.last_seen_at, article.last_checked_at)
    finally:
        archive.close()
    if as_json:
        _echo_json([entry.to_dict() for entry in entries])
        return
    superseded = sum(1 for entry in entries if entry.superseded_at is not None)
    counted = f"{len(entries)} version{'s' if len(entries) != 1 else ''}"
    if superseded:
        counted += f", {superseded} of them superseded by a re-extraction"
    click.echo(f"{canonical}  ({status}, {counted})")
    click.echo(
        f"  observed (UTC): first seen {observed[0]:%Y-%m-%d %H:%M} · last seen {observed[1]:%Y-%m-%d %H:%M}"
        f" · last checked {observed[2]:%Y-%m-%d %H:%M}"
    )
    for entry in entries:
        seen = f"{entry.first_seen:%Y-%m-%d %H:%M} .. {entry.last_seen:%Y-%m-%d %H:%M}"
        declared = f"published {entry.published or '?'}" + (
            f", modified {entry.modified}" if entry.modified else ""
        )
        click.echo(
            f"  v{entry.version:<3} seen {seen}  {entry.captures:>3} capture(s)  [{declared}]  "
            f"{entry.title or '(no title)'}"
        )
        # The two causes told apart: an extractor change is never shown as an edit.
        if entry.cause == "extractor":
            click.echo(f"       extractor change, not an edit: re-extracted by {entry.extractor_version}")
        if entry.superseded_at is not None:
            click.echo(
                f"       superseded {entry.superseded_at:%Y-%m-%d %H:%M} by a re-extraction "
                f"(read by {entry.extractor_version}; kept)"
            )
        if entry.kinds:
            reverted = f" (to v{entry.revert_of})" if entry.revert_of else ""
            click.echo(f"       kinds: {', '.join(entry.kinds)}{reverted}")
    for event in article_events:
        click.echo(f"  {event.at:%Y-%m-%d %H:%M}  {event.kind}: {event.detail or ''}")
    for test in tests:
        first, last = test["versions"]
        click.echo(
            f"  headline test v{first}..v{last}: {test['headlines']} headlines alternating, "
            f"{test['flips']} switch(es) back"
        )
        for shown in test["shown"]:
            click.echo(
                f"    {shown['seen_at'][:16].replace('T', ' ')}  v{shown['version']:<3} {shown['title']}"
            )


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command()
@pass_cli
def upgrade(cli: CliContext) -> None:
    """Create or upgrade the archive's schema to the newest revision."""
    from newsarchive.storage.db import current_revision, head_revision, refresh_statistics

    archive = cli.open_archive()
    try:
        refresh_statistics(archive.engine)
        click.echo(f"schema at revision {current_revision(archive.engine)} (head {head_revision()})")
    finally:
        archive.close()


@db.command("classify-edits")
@click.option(
    "--all", "reclassify", is_flag=True, help="Classify every edit again, not only unclassified ones."
)
@pass_cli
def classify_edits(cli: CliContext, reclassify: bool) -> None:
    """Give the kinds of edit to versions stored before the archive kept them (safe to interrupt and rerun)."""
    from newsarchive.storage.write.edit_history import classify_stored

    archive = cli.open_archive()
    done = 0
    try:
        for done in classify_stored(archive.sessions, reclassify=reclassify):
            click.echo(f"{done} versions classified", err=True)
    finally:
        archive.close()
    click.echo(f"classified {done} edit{'s' if done != 1 else ''}")


@db.command("cluster-stories")
@pass_cli
def cluster_stories(cli: CliContext) -> None:
    """Put articles stored before the archive kept story clusters into theirs (safe to interrupt and rerun)."""
    from newsarchive.storage.stories.backfill import cluster_stored

    archive = cli.open_archive()
    done = 0
    try:
        for done in cluster_stored(archive.sessions):
            click.echo(f"{done} articles clustered", err=True)
    finally:
        archive.close()
    click.echo(f"clustered {done} article{'s' if done != 1 else ''}")


@db.command()
@pass_cli
def info(cli: CliContext) -> None:
    """Where the archive is and how much it holds."""
    from newsarchive.crawler.extract import EXTRACTOR_VERSION
    from newsarchive.storage.research.read import articles_by_extractor, counts

    config = cli.config()
    archive = cli.open_archive()
    try:
        with archive.sessions() as session:
            numbers = counts(session)
            by_extractor = articles_by_extractor(session)
    finally:
        archive.close()
    click.echo(f"database: {config.db_url}")
    click.echo(f"warc:     {config.warc_dir}")
    for name, value in numbers.items():
        click.echo(f"{name + ':':<10}{value}")
    older = {name: n for name, n in by_extractor.items() if name != EXTRACTOR_VERSION}
    click.echo(f"articles read by an older extractor: {sum(older.values())} (current: {EXTRACTOR_VERSION})")
    for name, n in sorted(older.items()):
        click.echo(f"  {n:>8}  {name}")
    if older:
        click.echo("  `newsarchive reextract` reads them again from their raw captures")


def register(group: click.Group) -> None:
    for command in (capture, show, history, db):
        group.add_command(command)
