"""pytest fixtures for the fake Clerk.io API.

Enable with ``pytest_plugins = ["django_clerk.testing.pytest_plugin"]`` in a ``conftest.py``.

* ``clerk_fake_api_server`` (session): the running :class:`FakeClerkAPI`, one per test process
  (so one per xdist worker, each on its own free port).
* ``clerk_fake_api`` (function): that server, reset for the test.
* ``clerk_api`` (function): the same, with ``settings.CLERK["API_URL"]`` pointed at it for
  the test (needs pytest-django's ``settings`` fixture).
* ``clerk_api_url`` (function): the URL ``clerk_api`` configured.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from django_clerk.testing.fake_api import FakeClerkAPI


@pytest.fixture(scope="session")
def clerk_fake_api_server() -> Iterator[FakeClerkAPI]:
    with FakeClerkAPI() as fake:
        yield fake


@pytest.fixture
def clerk_fake_api(clerk_fake_api_server: FakeClerkAPI) -> Iterator[FakeClerkAPI]:
    clerk_fake_api_server.reset()
    yield clerk_fake_api_server
    clerk_fake_api_server.reset()


@pytest.fixture
def clerk_api(clerk_fake_api: FakeClerkAPI, settings: Any) -> FakeClerkAPI:
    settings.CLERK = {**(getattr(settings, "CLERK", None) or {}), "API_URL": clerk_fake_api.url}
    return clerk_fake_api


@pytest.fixture
def clerk_api_url(clerk_api: FakeClerkAPI) -> str:
    return clerk_api.url
