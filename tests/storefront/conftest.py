"""Headless Chromium for the browser tests: one browser per test session (per xdist worker).

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
STUB_DIR = Path(__file__).parent / "static"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CLERK_SKIP_BROWSER_TESTS") != "1":
        return
    skip = pytest.mark.skip(reason="CLERK_SKIP_BROWSER_TESTS=1")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


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


@pytest.fixture
def clerk_stub(settings: Any) -> str:
    """Serve the Clerk.js stub as a static file and load it instead of Clerk.js."""
    settings.STATICFILES_DIRS = [*getattr(settings, "STATICFILES_DIRS", []), str(STUB_DIR)]
    settings.CLERK = {**settings.CLERK, "CLERK_JS_URL": "/static/clerk-stub.js"}
    return settings.CLERK["CLERK_JS_URL"]
