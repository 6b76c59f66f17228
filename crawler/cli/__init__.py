"""The `newsarchive` command.

Each command group lives in its own module and registers itself here; heavy
imports (Scrapy, trafilatura, SQLAlchemy) stay inside the command functions
so `newsarchive --help` is instant. Results go to stdout, logs to stderr.
"""

from __future__ import annotations

import signal
import threading


def _interrupted_while_loading(_signum: int, _frame: object) -> None:
    raise SystemExit(130)


# Ctrl-C while the command is still loading (a second or two on a busy
# machine): exit 130 quietly, not with a KeyboardInterrupt traceback from
# some import. The default handler is back once the commands are loaded.
_LOADING = (
    threading.current_thread() is threading.main_thread()
    and signal.getsignal(signal.SIGINT) is signal.default_int_handler
)
if _LOADING:
    signal.signal(signal.SIGINT, _interrupted_while_loading)

import importlib  # noqa: E402
import logging  # noqa: E402

import click  # noqa: E402

from newsarchive.crawler.cli.context import CliContext, check_allowed_hosts, check_db_url  # noqa: E402
from newsarchive.crawler.cli.extras import extra_hint, missing_extra  # noqa: E402
from newsarchive.crawler.cli.pipes import stop_quietly_on_closed_pipe  # noqa: E402

# One module per command group, each with `register(group)`. Add a line here
# for a new group; keep the modules' top-level imports light.
COMMAND_MODULES = (
    "newsarchive.crawler.cli.extract_command",
    "newsarchive.crawler.cli.archive_commands",
    "newsarchive.crawler.cli.serve_command",
    "newsarchive.crawler.cli.crawl_commands",
    "newsarchive.crawler.cli.sources_commands",
    "newsarchive.crawler.cli.warc_commands",
    "newsarchive.crawler.cli.import_command",
    "newsarchive.crawler.cli.reextract_command",
    "newsarchive.crawler.cli.research_commands",
    "newsarchive.crawler.cli.story_commands",
    "newsarchive.crawler.cli.distributed_commands",
)


EXIT_INTERRUPTED = 130


class ArchiveGroup(click.Group):
    """Turns database and disk failures into a one-line error instead of a traceback.

    A locked, unreachable, full or damaged archive is the user's environment,
    not a bug: say what failed and exit 1 (`-v` keeps the traceback in the log).
    Any other exception is a bug and keeps its traceback.
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            stop_quietly_on_closed_pipe()
        except KeyboardInterrupt:
            # Ctrl-C (or a second stop signal to a crawl) before any clean stop could
            # take over: the Unix status for it, one line, no traceback.
            click.echo("interrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except ModuleNotFoundError as exc:
            extra = missing_extra(exc)
            if extra is None:
                raise
            raise click.ClickException(extra_hint(extra, exc)) from None
        except Exception as exc:
            if not _environmental(exc):
                raise
            logging.getLogger("newsarchive").debug("command failed", exc_info=True)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise click.ClickException(f"{_kind(exc)}: {first[:300]}") from None


def _environmental(exc: BaseException) -> bool:
    from newsarchive.storage.db import UnsupportedDatabase

    return type(exc).__module__.startswith("sqlalchemy") or isinstance(exc, OSError | UnsupportedDatabase)


def _kind(exc: BaseException) -> str:
    return "database error" if type(exc).__module__.startswith("sqlalchemy") else "file system error"


@click.group(cls=ArchiveGroup)
@click.option(
    "--home",
    envvar="NEWSARCHIVE_HOME",
    type=click.Path(file_okay=False),
    help="Data directory (database and WARC files). Default: ~/.local/share/newsarchive.",
)
@click.option(
    "--db", envvar="NEWSARCHIVE_DB", help="SQLAlchemy database URL. Default: SQLite in the data directory."
)
@click.option(
    "--allow-private-hosts",
    envvar="NEWSARCHIVE_ALLOW_PRIVATE_HOSTS",
    metavar="HOSTS",
    callback=check_allowed_hosts,
    help="Private hosts and networks crawls, revisits and captures may reach "
    "(comma-separated: intranet.example,10.0.0.0/8,127.0.0.1; * for all). "
    "By default every private, loopback, link-local and metadata address is refused; "
    "cloud metadata and link-local addresses stay refused whatever is named.",
)
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.version_option(package_name="newsarchive")
@click.pass_context
def main(
    ctx: click.Context, home: str | None, db: str | None, allow_private_hosts: str | None, verbose: int
) -> None:
    """newsarchive: crawl news sites and keep every version of every article."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    check_db_url(db)
    ctx.obj = CliContext(home=home, db=db, verbose=verbose, allow_private_hosts=allow_private_hosts)


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(main)
if _LOADING:
    signal.signal(signal.SIGINT, signal.default_int_handler)
