"""The browser tests of the storefront: the Clerk.js stub, and ``CLERK_SKIP_BROWSER_TESTS``.

Their Chromium (``browser``) is :mod:`tests.chromium`'s, shared by every test directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

STUB_DIR = Path(__file__).parent / "static"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CLERK_SKIP_BROWSER_TESTS") != "1":
        return
    skip = pytest.mark.skip(reason="CLERK_SKIP_BROWSER_TESTS=1")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def clerk_stub(settings: Any) -> str:
    """Serve the Clerk.js stub as a static file and load it instead of Clerk.js."""
    settings.STATICFILES_DIRS = [*getattr(settings, "STATICFILES_DIRS", []), str(STUB_DIR)]
    settings.CLERK = {**settings.CLERK, "CLERK_JS_URL": "/static/clerk-stub.js"}
    return settings.CLERK["CLERK_JS_URL"]
