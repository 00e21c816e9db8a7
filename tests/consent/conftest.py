"""Fixtures of the consent tests: a store that syncs customers, known to the fake Clerk API."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture(autouse=True)
def manual_delivery(settings):
    """Deliveries run when a test says so (``deliver_due``)."""
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "manual", "SYNC_RETRY_BACKOFF": 5}


@pytest.fixture
def clerk_store(make_store, clerk_api):
    """The default store, syncing customers in real time, its keys known to the fake API."""
    clerk_api.add_store("default-public", "default-private")
    return make_store(code="default", sync_customers=True)


@pytest.fixture
def customer(db):
    from shop.models import Customer

    return Customer.objects.create(
        email="ann@example.com", first_name="Ann", last_name="Berg", subscribed=True
    )


@pytest.fixture
def product(db):
    from shop.models import Product

    return Product.objects.create(
        name="Mug", slug="mug", sku="M1", price=Decimal("19.95"), stock=9, image="p/mug.jpg"
    )


def in_clerk(fake, clerk_id):
    """The customer object the fake Clerk holds under ``clerk_id``."""
    return fake.data["customers"].get(clerk_id)
