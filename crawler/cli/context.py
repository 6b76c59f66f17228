"""What every command shares: where the archive is, and how to fail cleanly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from newsarchive.storage.archive import Archive
    from newsarchive.storage.config import ArchiveConfig


@dataclass
class CliContext:
    home: str | None
    db: str | None
    verbose: int = 0
    # NEWSARCHIVE_ALLOW_PRIVATE_HOSTS for every crawl this command runs (--allow-private-hosts).
    allow_private_hosts: str | None = None

    def config(self) -> ArchiveConfig:
        from newsarchive.storage.config import ArchiveConfig

        return ArchiveConfig.resolve(self.home, self.db)

    def open_archive(self) -> Archive:
        """Open the archive, turning connection problems into a one-line error."""
        from sqlalchemy.exc import SQLAlchemyError

        from newsarchive.storage.archive import Archive
        from newsarchive.storage.db import UnsupportedDatabase

        try:
            return Archive(self.config())
        except UnsupportedDatabase as exc:
            raise click.ClickException(str(exc)) from None
        except (SQLAlchemyError, OSError) as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise click.ClickException(f"cannot open the archive: {message}") from None

    def overrides(self, pairs: tuple[str, ...]) -> dict[str, str]:
        """The crawl settings this command sets: --allow-private-hosts, then each `-s NAME=VALUE`."""
        from newsarchive.crawler.crawl.downloader.netguard_policy import SETTING

        base = {SETTING: self.allow_private_hosts} if self.allow_private_hosts is not None else {}
        overrides = {**base, **parse_overrides(pairs)}
        if SETTING in overrides:
            check_allowed_hosts(None, None, overrides[SETTING])
        return overrides


pass_cli = click.make_pass_decorator(CliContext)


class BadDatabase(click.ClickException):
    """A --db the archive cannot run on: one line, and the exit status of a usage error."""

    exit_code = 2


# URL schemes of the backends the archive runs on (with or without a +driver).
DB_SCHEMES = ("sqlite", "postgresql", "postgres")


def check_db_url(url: str | None) -> None:
    """Refuse a --db for another backend with one line, before any command imports a driver for it."""
    if url is None:
        return
    scheme, sep, _rest = url.partition(":")
    if not sep or scheme.split("+")[0].lower() not in DB_SCHEMES:
        shown = scheme.split("+")[0] if sep else "not a database URL"
        raise BadDatabase(
            f"--db / NEWSARCHIVE_DB: unsupported database ({shown}): the archive runs on "
            "SQLite (sqlite:///PATH) or PostgreSQL (postgresql://USER@HOST/DB)"
        )


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """`-s NAME=VALUE` options as a settings dict (Scrapy converts the types)."""
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="-s/--set")
        overrides[name.strip()] = value
    return overrides


def stop_cleanly() -> None:
    """From now on, SIGINT or SIGTERM stop this crawl as "interrupted" (exit 130), never mid-import.

    First thing in a crawling command: the heavy imports and the archive's
    set-up that follow take seconds, and a stop then must not be a traceback.
    """
    from newsarchive.crawler.crawl import stopping

    stopping.install()


def check_allowed_hosts(_ctx: object, _param: object, value: str | None) -> str | None:
    """A click callback: the allow-list as given, or a usage error naming the bad entry."""
    from newsarchive.crawler.crawl.downloader.netguard_policy import AddressPolicy

    try:
        AddressPolicy.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value
