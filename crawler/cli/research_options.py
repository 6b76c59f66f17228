"""The search filters as click options, shared by `search` and `export`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from newsarchive.storage.research.search.query import SearchQuery

_DATE = click.DateTime(formats=["%Y-%m-%d"])
_MOMENT = click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"])


def _checked(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """The search's own rules on a filter value (newsarchive.storage.research.search.bounds), as a usage error."""
    if value is None:
        return None
    from newsarchive.storage.research.search.bounds import check_day, check_name
    from newsarchive.storage.research.search.syntax import BadQuery

    name = (param.name or "value").replace("_", "-")
    try:
        if isinstance(value, datetime):
            check_day(name, value.date())
        else:
            check_name(name, value)
    except BadQuery as exc:
        raise click.BadParameter(str(exc).removeprefix(f"{name} ")) from None
    return value


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command with the search filters (applied bottom-up, so listed in reverse)."""
    options = [
        click.option("--changed", is_flag=True, help="Only articles edited at least once."),
        click.option(
            "--captured-to",
            type=_MOMENT,
            callback=_checked,
            help="Version seen up to this UTC time (a day: its end).",
        ),
        click.option(
            "--captured-from", type=_MOMENT, callback=_checked, help="Version seen from this UTC time on."
        ),
        click.option(
            "--published-to", type=_DATE, callback=_checked, help="Published on or before YYYY-MM-DD."
        ),
        click.option(
            "--published-from", type=_DATE, callback=_checked, help="Published on or after YYYY-MM-DD."
        ),
        click.option(
            "--section", callback=_checked, help="A section (feed category) the publisher declared."
        ),
        click.option("--keyword", callback=_checked, help="A keyword the publisher declared (news sitemap)."),
        click.option("--author", callback=_checked, help="Part of an author's name (case-insensitive)."),
        click.option(
            "--cluster", type=click.IntRange(1), help="Only articles in this story cluster (see `similar`)."
        ),
        click.option(
            "--any-language",
            callback=_checked,
            help="Language code, declared or else detected from the text.",
        ),
        click.option(
            "--detected-language",
            callback=_checked,
            help="Language code detected from the text (pages that declare none).",
        ),
        click.option(
            "--language", callback=_checked, help="Declared language code, e.g. en (matches en-GB too)."
        ),
        click.option("--domain", callback=_checked, help="Exact host name, e.g. www.example.com."),
        click.option("--source", callback=_checked, help="Source name from sources.toml."),
        click.option("--all-versions", is_flag=True, help="Search every version, not only the latest."),
    ]
    for option in options:
        command = option(command)
    return command


def _end_of_day(moment: datetime | None, raw_has_time: bool) -> datetime | None:
    if moment is None or raw_has_time:
        return moment
    return moment + timedelta(days=1) - timedelta(microseconds=1)


def build_query(text: str | None, options: dict[str, Any], **paging: Any) -> SearchQuery:
    """A SearchQuery from the filter options (naive times are UTC, as the storage layer assumes)."""
    from newsarchive.storage.research.search.query import SearchQuery

    captured_to = options.get("captured_to")
    has_time = captured_to is not None and (captured_to.hour, captured_to.minute, captured_to.second) != (
        0,
        0,
        0,
    )

    def day(value: datetime | None) -> date | None:
        return value.date() if value else None

    return SearchQuery(
        text=text,
        all_versions=options.get("all_versions", False),
        source=options.get("source"),
        domain=options.get("domain"),
        language=options.get("language"),
        detected_language=options.get("detected_language"),
        any_language=options.get("any_language"),
        cluster=options.get("cluster"),
        author=options.get("author"),
        keyword=options.get("keyword"),
        section=options.get("section"),
        published_from=day(options.get("published_from")),
        published_to=day(options.get("published_to")),
        captured_from=options.get("captured_from"),
        captured_to=_end_of_day(captured_to, has_time),
        changed=options.get("changed", False),
        **paging,
    )


FILTER_NAMES = (
    "all_versions",
    "source",
    "domain",
    "language",
    "detected_language",
    "any_language",
    "cluster",
    "author",
    "keyword",
    "section",
    "published_from",
    "published_to",
    "captured_from",
    "captured_to",
    "changed",
)


def pop_filters(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {name: kwargs.pop(name) for name in FILTER_NAMES if name in kwargs}


def check_known_names(session: Session, source: str | None, domain: str | None) -> None:
    """A filter naming a source or domain the archive has never seen is an error, not an empty result."""
    from newsarchive.storage.research.names import unknown_names

    problems = unknown_names(session, source=source, domain=domain)
    if problems:
        raise click.ClickException("; ".join(problems))
