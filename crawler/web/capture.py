"""On-demand capture for the API: guard the target, run `newsarchive capture` as a subprocess.

A Twisted reactor cannot run (or restart) inside the API process, so each
capture is the CLI in a child process, built by
newsarchive.crawler.crawl.child_command: the archive location goes through the
environment, never argv, so a PostgreSQL password never shows in the process list.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from newsarchive.crawler.crawl.child_command import ChildCommand, child_command
from newsarchive.crawler.crawl.downloader.netguard import TargetRefused, check_url
from newsarchive.crawler.crawl.downloader.netguard_policy import (
    ALLOW_PRIVATE,
    DENY_PRIVATE,
    SETTING,
    AddressPolicy,
)
from newsarchive.crawler.crawl.settings import DOWNLOAD_TIMEOUT, RETRY_TIMES
from newsarchive.crawler.web.config import WebSettings
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.fetch import Fetch
from newsarchive.storage.write.dedup import BadURL
from newsarchive.storage.write.dedup import check_url as check_archivable

log = logging.getLogger(__name__)

# Outcomes that archived a new article or version (201), or confirmed one (200).
CREATED = ("new_article", "new_version")
CONFIRMED = ("unchanged", "not_modified")


class CaptureError(Exception):
    """A capture that could not run or did not archive; `status` is the HTTP answer."""

    def __init__(self, status: int, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.result = result


@dataclass
class CaptureService:
    config: ArchiveConfig
    settings: WebSettings
    _slots: asyncio.Semaphore | None = field(default=None, repr=False)

    @property
    def policy(self) -> AddressPolicy:
        return ALLOW_PRIVATE if self.settings.allow_private else DENY_PRIVATE

    def command(self, url: str) -> ChildCommand:
        # The capture's guard (the middleware on every request and redirect hop,
        # the resolver on the address connected to) is always on; this names
        # what it may reach explicitly, so an allow-list in the server's
        # environment never reaches a user's capture. With --allow-private,
        # metadata and link-local addresses are still refused on every hop.
        allowed = self.policy.describe()
        # The capture's own deadline, inside the server's: it stops itself and
        # records the failure before the server gives up on it and kills it.
        deadline = capture_deadline(self.settings.capture_timeout)
        args = ["capture", "--json", "-s", f"CLOSESPIDER_TIMEOUT={deadline:g}"]
        # Every attempt (the first and its retries) must fit in that deadline.
        args += ["-s", f"DOWNLOAD_TIMEOUT={min(DOWNLOAD_TIMEOUT, deadline / (RETRY_TIMES + 2)):g}"]
        return child_command(self.config, [*args, "-s", f"{SETTING}={allowed}", url])

    async def guard(self, url: str) -> str:
        """The URL as the archive keys it, once it is well formed and allowed (else CaptureError)."""
        try:
            url = check_archivable(url)
        except BadURL as exc:
            raise CaptureError(400, f"not a URL the archive can capture: {exc}") from None
        loop = asyncio.get_running_loop()
        try:
            # getaddrinfo blocks; run it off the event loop, and bound it.
            await asyncio.wait_for(
                loop.run_in_executor(None, lambda: check_url(url, policy=self.policy)),
                self.settings.resolve_timeout,
            )
        except TimeoutError:
            raise CaptureError(400, f"resolving the host of {url} timed out") from None
        except ValueError as exc:  # TargetRefused (403) or TargetUnresolvable (400)
            raise CaptureError(403 if isinstance(exc, TargetRefused) else 400, str(exc)) from None
        return url

    async def capture(self, url: str) -> tuple[int, dict[str, Any]]:
        """Capture one URL: (HTTP status, the CLI's JSON result)."""
        url = await self.guard(url)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.settings.max_parallel_captures)
        async with self._slots:
            stdout, stderr, code = await self._run(url)
        results = _json_lines(stdout)
        if not results:
            tail = stderr.strip().splitlines()[-1:] or [f"exit status {code}"]
            raise CaptureError(502, f"the capture produced no result: {tail[0]}")
        result = results[0]
        outcome = result.get("outcome")
        if outcome in CREATED:
            return 201, result
        if outcome in CONFIRMED:
            return 200, result
        raise CaptureError(502, f"capture {outcome}: {result.get('reason') or 'no reason given'}", result)

    def _record_timeout(self, url: str, reason: str) -> None:
        """The killed capture's URL kept as a failed capture: no request leaves without a row."""
        try:
            with Archive(self.config) as archive:
                archive.service.record_failure(
                    Fetch(requested_url=url, fetched_at=datetime.now(UTC), error=reason)
                )
        except (SQLAlchemyError, OSError):
            log.warning("the timed-out capture of %s could not be recorded", url)

    async def _run(self, url: str) -> tuple[str, str, int]:
        command = self.command(url)
        process = await asyncio.create_subprocess_exec(
            *command.argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=command.environ(),
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(), self.settings.capture_timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            reason = f"the capture took longer than the server's {self.settings.capture_timeout:g} s"
            await asyncio.get_running_loop().run_in_executor(None, self._record_timeout, url, reason)
            raise CaptureError(
                504, f"the capture took longer than {self.settings.capture_timeout:g} s and was stopped"
            ) from None
        return out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), process.returncode or 0


def capture_deadline(server_timeout: float) -> float:
    """The capture subprocess's own time limit: well inside the server's."""
    return max(server_timeout - 15, server_timeout / 2)


def _json_lines(stdout: str) -> list[dict[str, Any]]:
    results = []
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                results.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return results
