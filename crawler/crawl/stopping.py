"""SIGINT and SIGTERM in a crawl process: a stop is an "interrupted" run, whenever it comes.

Scrapy installs its own handlers only once its reactor runs, and Python's
defaults before that either raise KeyboardInterrupt wherever the process
happens to be (inside Scrapy's start-up, leaving a "failed" run and two
tracebacks) or, for SIGTERM, end it on the spot (leaving a "running" run).
So a crawl process takes both signals over from its first moment to its
last (`install`), and a signal only records the request:

- before the spider runs, `run_spider` does not start it;
- while Scrapy starts, the engine is stopped as soon as it runs;
- while it runs, the engine stops gracefully (Scrapy's "shutdown": what is
  in flight is recorded, queued URLs wait for the next run);
- a second signal stops the reactor at once, as Scrapy's own second Ctrl-C.

The pass then records its run as "interrupted" and exits 130.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_requested: int | None = None
_crawler: Any = None  # the running pass's scrapy Crawler, once there is one


def install() -> None:
    """Take SIGINT and SIGTERM over in this process (the main thread's job; a no-op elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in STOP_SIGNALS:
        signal.signal(signum, _on_signal)


def requested() -> int | None:
    """The first stop signal received, or None."""
    return _requested


def attach(crawler: Any) -> None:
    """Stop this crawler when a stop is asked for, even one asked for while it was starting."""
    from twisted.internet import reactor

    global _crawler
    _crawler = crawler
    # A signal may have come since run_spider looked, before the reactor ran.
    reactor.callWhenRunning(_stop_crawl)


def detach() -> None:
    global _crawler
    _crawler = None


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    global _requested
    reactor = _running_reactor()
    if _requested is None:
        _requested = signum
        if reactor is not None:
            reactor.callFromThread(_stop_crawl)
        return
    # The second signal: stop now (the run is still recorded as interrupted).
    if reactor is not None:
        reactor.callFromThread(_stop_reactor, reactor)
    else:
        raise KeyboardInterrupt


def _running_reactor() -> Any:
    import sys

    if "twisted.internet.reactor" not in sys.modules:
        return None
    from twisted.internet import reactor

    return reactor if reactor.running else None


def _stop_crawl() -> None:
    """In the reactor thread: stop the crawl gracefully once its engine runs, if a stop was asked for."""
    crawler = _crawler
    if _requested is None or crawler is None or not crawler.crawling:
        return
    if crawler.engine is None or not crawler.engine.running:
        # Still starting (opening the spider, the archive, the extraction pool): a stop
        # now would be lost, so look again shortly.
        from twisted.internet import reactor

        reactor.callLater(0.05, _stop_crawl)  # type: ignore[arg-type]  # twisted types the module, not the reactor
        return
    stop_async = getattr(crawler, "stop_async", None)
    if stop_async is None:  # Scrapy before 2.14
        crawler.stop()
        return
    from scrapy.utils.defer import deferred_from_coro

    deferred_from_coro(stop_async())


def _stop_reactor(reactor: Any) -> None:
    with contextlib.suppress(RuntimeError):  # already stopping
        reactor.stop()
