"""One progress line on stderr, rewritten in place at most twice a second (import, reextract)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

import click

S = TypeVar("S")


class ProgressLine(Generic[S]):
    """Called with the running summary; `describe(summary, seconds)` gives the line's text."""

    def __init__(self, describe: Callable[[S, float], str]) -> None:
        self.describe = describe
        self.started = self.shown = time.monotonic()

    def __call__(self, summary: S) -> None:
        now = time.monotonic()
        if now - self.shown < 0.5:
            return
        self.shown = now
        click.echo(f"\r{self.describe(summary, max(now - self.started, 1e-6))} ", err=True, nl=False)

    def done(self) -> None:
        click.echo("", err=True)
