"""Fixtures of the feed tests: the example shop seeded small, with an English and a Danish store."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from django_clerk.models import Store

KEYS = {"default": ("pub-en", "priv-en-secret"), "da": ("pub-da", "priv-da-secret")}


@pytest.fixture
def shop(db: Any) -> dict[str, Store]:
    """60 products (with variants), categories, 25 orders, 15 customers, 8 pages; two stores
    that accept their private key in requests (most tests send it in the query string)."""
    call_command(
        "seed_demo",
        products=60,
        categories=20,
        brands=5,
        customers=15,
        orders=25,
        pages=8,
        seed=3,
        verbosity=0,
    )
    stores = {}
    for code, (public, private) in KEYS.items():
        store = Store.objects.get(code=code)
        store.public_key, store.private_key = public, private
        store.is_active, store.sync_customers, store.legacy_auth = True, True, True
        store.save()
        stores[code] = store
    return stores


@pytest.fixture
def en(shop: dict[str, Store]) -> Store:
    return shop["default"]


@pytest.fixture
def da(shop: dict[str, Store]) -> Store:
    return shop["da"]


def legacy(client: Any, entity: str, store_code: str = "default", **params: Any) -> Any:
    """A generation-1 request (keys in the query string) to a legacy endpoint."""
    public, private = KEYS[store_code]
    return client.get(f"/clerk/{entity}", {"key": public, "private_key": private, **params})
