"""The sandbox Oscar shop, seeded once per test process (each test runs in a transaction
rolled back to it), and a Clerk store known to the fake Clerk API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.oscarshop.seed import Shop, seed

PUBLIC, PRIVATE = "default-public", "default-private"
SEEDED: dict[str, Shop] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        SEEDED["shop"] = seed()


@pytest.fixture
def oscar_shop(db: Any) -> Shop:
    return SEEDED["shop"]


@pytest.fixture
def clerk_store(make_store: Any, clerk_api: Any) -> Any:
    """The default store: every entity synced, out-of-stock products included, keys known
    to the fake API, the private key accepted in requests (the older importers'
    generations of authentication)."""
    store = make_store(
        code="default", sync_customers=True, legacy_auth=True, include_out_of_stock=True
    )
    clerk_api.add_store(PUBLIC, PRIVATE)
    return store


@pytest.fixture
def token(clerk_api: Any, clerk_store: Any) -> str:
    return clerk_api.issue_token(PUBLIC)
