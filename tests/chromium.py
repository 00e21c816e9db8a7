"""Headless Chromium for the browser tests: one browser per test session (per xdist worker),
shared by every test directory (Playwright's sync API runs one instance per process).

Browser tests fail, never skip, when Chromium or Playwright is missing, unless
``CLERK_SKIP_BROWSER_TESTS=1`` opts out explicitly. ``CLERK_CHROMIUM`` overrides the path of
Debian's ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "Browser tests need Playwright (pip install playwright), or set "
            "CLERK_SKIP_BROWSER_TESTS=1",
            pytrace=False,
        )
    path = os.environ.get("CLERK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            f"Chromium not found at {path} (apt-get install chromium), or set "
            "CLERK_SKIP_BROWSER_TESTS=1",
            pytrace=False,
        )
    # Playwright's sync API keeps an event loop running in this thread, which Django takes
    # for an async context; the ORM calls of the tests are synchronous, so allow them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
