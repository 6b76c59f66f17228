"""`serve`: the HTTP API and web pages over the archive."""

from __future__ import annotations

import copy
import ipaddress

import click

from newsarchive.crawler.cli.context import CliContext, pass_cli
from newsarchive.crawler.cli.extras import extra_hint

SHUTDOWN_GRACE_SECONDS = 10


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port.")
@click.option(
    "--capture-token",
    envvar="NEWSARCHIVE_CAPTURE_TOKEN",
    help="Bearer token for POST /captures (env NEWSARCHIVE_CAPTURE_TOKEN). Without one, "
    "capture over HTTP is off.",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Let captures reach private and loopback addresses (a local or intranet site). "
    "Cloud metadata and link-local addresses stay refused on every redirect hop.",
)
@click.option(
    "--capture-timeout",
    default=120.0,
    show_default=True,
    type=click.FloatRange(1),
    help="Seconds per capture.",
)
@click.option(
    "--search-timeout",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0, min_open=True),
    help="Seconds a search may run before it is answered as too broad (400).",
)
@click.option(
    "--max-searches",
    default=4,
    show_default=True,
    type=click.IntRange(1),
    help="Searches running at once; one more is answered 503 at once.",
)
@pass_cli
def serve(
    cli: CliContext,
    host: str,
    port: int,
    capture_token: str | None,
    allow_private: bool,
    capture_timeout: float,
    search_timeout: float,
    max_searches: int,
) -> None:
    """Serve the JSON API (/docs) and the web pages (/) over the archive."""
    try:
        import uvicorn

        from newsarchive.crawler.web.app import create_app
        from newsarchive.crawler.web.config import WebSettings
    except ModuleNotFoundError as exc:
        raise click.ClickException(extra_hint("api", exc)) from None
    if capture_token and len(capture_token) < 16:
        raise click.BadParameter("use at least 16 characters", param_hint="--capture-token")
    if not _is_loopback(host):
        captures = "; with the capture token, they can also make it fetch URLs" if capture_token else ""
        click.echo(
            f"warning: listening on {host}, not only this machine: anyone who can reach it can read "
            f"the whole archive (every article, version and diff; there is no login){captures}",
            err=True,
        )
    settings = WebSettings(
        capture_token=capture_token or None,
        allow_private=allow_private,
        capture_timeout=capture_timeout,
        search_timeout=search_timeout,
        max_parallel_searches=max_searches,
    )
    cli.open_archive().close()  # a clean one-line error if the database is unreachable
    app = create_app(cli.config(), settings)
    # Info level, as uvicorn's own default: the address it listens on, then a line per request,
    # all on stderr (uvicorn sends the access log to stdout; ours is for results only).
    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    log_config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    # A stop (SIGTERM, Ctrl-C) waits this long for requests in flight, then closes them:
    # no request may keep the server from stopping.
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="debug" if cli.verbose > 1 else "info",
        log_config=log_config,
        access_log=True,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
    )


def register(group: click.Group) -> None:
    group.add_command(serve)
