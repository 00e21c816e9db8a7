"""What the command's browser mode needs: the shop served on 127.0.0.1, headless Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLite
from django.test import override_settings
from django.test.testcases import LiveServerThread, _StaticFilesHandler

HOST = "127.0.0.1"


class BrowserUnavailable(RuntimeError):
    """Playwright is not installed."""


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


@contextmanager
def served_shop() -> Iterator[str]:
    """Serve the project on a free port of 127.0.0.1 in a thread; yields its base URL."""
    handler: Any = _StaticFilesHandler
    if apps.is_installed("django.contrib.staticfiles"):
        from django.contrib.staticfiles.handlers import StaticFilesHandler

        handler = StaticFilesHandler
    # An in-memory SQLite database exists only in its connection: share it (as Django's
    # LiveServerTestCase does).
    shared: dict[str, BaseDatabaseWrapper] = {
        c.alias: c for c in connections.all() if isinstance(c, SQLite) and c.is_in_memory_db()
    }
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread = LiveServerThread(HOST, handler, connections_override=shared, port=0)
    thread.daemon = True
    try:
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, HOST]):
            thread.start()
            thread.is_ready.wait()
            if thread.error is not None:
                raise thread.error
            yield f"http://{HOST}:{thread.port}"
    finally:
        if thread.is_alive():
            thread.terminate()
        for connection in shared.values():
            connection.dec_thread_sharing()


@contextmanager
def chromium(executable: str | None = None) -> Iterator[Any]:
    """Headless Chromium through Playwright: ``executable`` (default: ``CLERK_CHROMIUM``, the
    ``chromium`` on the PATH, else Playwright's own)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable(
            "The browser mode needs Playwright: pip install 'django-clerkio[browser]'"
        ) from exc
    path = executable or os.environ.get("CLERK_CHROMIUM") or shutil.which("chromium")
    # Playwright's sync API runs an event loop in this thread, which Django takes for an
    # async context; the validator's ORM calls here are synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


__all__ = ["CHROMIUM_ARGS", "BrowserUnavailable", "chromium", "served_shop"]
