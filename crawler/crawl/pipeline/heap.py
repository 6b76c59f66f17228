"""Giving freed heap memory back to the system (glibc's malloc_trim).

A crawl handles pages of hundreds of KB: their bodies, lxml trees and
trafilatura's copies of them are freed after each page, but glibc keeps
freed memory in its arenas, so a long-running process settles at the
footprint of the largest bursts it ever saw, not of what it holds.
malloc_trim(0) releases the free pages of every arena. Elsewhere than glibc
(musl, macOS) it is a no-op: trimming is an optimisation only.
"""

from __future__ import annotations

import ctypes
from typing import Any

_malloc_trim: Any = None


def _load_malloc_trim() -> Any:
    """glibc's malloc_trim, or None (musl, macOS): trimming is an optimisation only."""
    # The process's own symbols (dlopen(NULL)), not ctypes.util.find_library:
    # that runs ldconfig in a subprocess, a fork of a 150 MB process.
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def trim_heap() -> None:
    """Give the heap's free pages back to the system (a few ms: call it every few pages, not per object)."""
    global _malloc_trim
    if _malloc_trim is None:
        _malloc_trim = _load_malloc_trim() or (lambda _pad: 0)
    _malloc_trim(0)
