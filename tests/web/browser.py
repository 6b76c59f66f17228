"""Headless Chromium for the browser tests: Debian's chromium driven by Playwright.

No browser download: the system's chromium (apt-get install chromium), or
NEWSARCHIVE_CHROMIUM. Without one (or without playwright) the tests skip,
and fail under CI.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.conftest import skip_or_fail

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium() -> str:
    found = (
        os.environ.get("NEWSARCHIVE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not found or not os.access(found, os.X_OK):
        skip_or_fail(f"no chromium executable ({found or 'none on PATH'}; apt-get install chromium)")
    return str(found)


@contextlib.contextmanager
def browser_page(profile: Path, viewport: dict[str, int]) -> Iterator[Any]:
    """A page in a fresh Chromium profile at `viewport`; closed on exit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed (pip install playwright)")
    executable = chromium()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport=viewport,
            # Phone widths as a phone lays them out (the meta viewport applies).
            is_mobile=viewport["width"] < 600,
            has_touch=viewport["width"] < 600,
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def screenshot(page: Any, name: str) -> Path:
    """A full-page PNG under tests/web/artifacts/ (git-ignored), for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def horizontal_overflow(page: Any) -> list[str]:
    """Elements that reach past the right edge of the viewport (empty: nothing scrolls sideways)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [];
            for (const el of document.querySelectorAll('body *')) {
                const box = el.getBoundingClientRect();
                if (box.width && box.right > width + 1 && !el.closest('.sr-only, .skip, thead')) {
                    wide.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' ' + Math.round(box.right));
                }
            }
            if (document.documentElement.scrollWidth > width) wide.push('document ' + document.documentElement.scrollWidth);
            return wide.slice(0, 10);
        }"""
    )
