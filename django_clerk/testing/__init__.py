"""Test helpers for shops using django-clerk: a fake Clerk.io API served over real HTTP.

In a pytest suite, load the fixtures with
``pytest_plugins = ["django_clerk.testing.pytest_plugin"]`` and use ``clerk_api``;
elsewhere use :class:`FakeClerkAPI` as a context manager.
"""

from __future__ import annotations

from django_clerk.testing.fake_api import (
    DEFAULT_CONTENT_IDS,
    DEFAULT_PRIVATE_KEY,
    DEFAULT_PUBLIC_KEY,
    FakeClerkAPI,
    RecordedRequest,
)

__all__ = [
    "DEFAULT_CONTENT_IDS",
    "DEFAULT_PRIVATE_KEY",
    "DEFAULT_PUBLIC_KEY",
    "FakeClerkAPI",
    "RecordedRequest",
]
