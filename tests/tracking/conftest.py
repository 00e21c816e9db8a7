"""Fixtures of the tracking tests: a store the fake Clerk knows, requests, manual delivery."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from django_clerk.models import PendingChange
from django_clerk.sync.delivery import deliver_due


@pytest.fixture(autouse=True)
def manual_delivery(settings: Any) -> None:
    """Deliveries run when a test says so; events go from the server unless a test says."""
    settings.CLERK = {
        **settings.CLERK,
        "SYNC_DELIVERY": "manual",
        "REALTIME_SYNC": False,
        "TRACKING": {"sales": "server", "baskets": "server", "product_views": "server"},
    }


@pytest.fixture
def clerk_store(make_store: Any, clerk_api: Any) -> Any:
    """The default store, its keys known to the fake API."""
    store = make_store(code="default")
    clerk_api.add_store("default-public", "default-private")
    return store


@pytest.fixture
def store(clerk_store: Any) -> Any:
    """The default store of the ``shop`` fixture: the one the fake API knows."""
    return clerk_store


@pytest.fixture
def ann(db: Any) -> Any:
    """A logged-in customer with an e-mail."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("ann", "ann@example.com", "pw")


@pytest.fixture
def make_request(db: Any) -> Any:
    """A GET request with a session, for ``user`` (anonymous by default)."""

    def make(user: Any = None, path: str = "/") -> Any:
        request = RequestFactory().get(path)
        request.session = SessionStore()
        request.user = user or AnonymousUser()
        return request

    return make


def deliver() -> Any:
    """Deliver everything due now."""
    return deliver_due()


def pending(entity: str) -> list[PendingChange]:
    return list(PendingChange.objects.filter(entity=entity).order_by("pk"))


def waiting() -> list[PendingChange]:
    """The outbox's rows, but sales remembered as sent."""
    return list(PendingChange.objects.exclude(state=PendingChange.State.SENT).order_by("pk"))


def make_due() -> int:
    """Every pending event due now (a grace delay or a backoff over)."""
    return PendingChange.objects.retry_now()
