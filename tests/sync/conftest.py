"""Fixtures of the real-time sync tests: a store known to the fake Clerk API, shop objects."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from django_clerk.sync.delivery import deliver_due

try:  # the Tasks framework the delivery uses: Django's own (6.0+), else the backport
    import django.tasks  # noqa: F401

    TASKS_PACKAGE = "django.tasks"
except ImportError:
    TASKS_PACKAGE = "django_tasks"
DUMMY_BACKEND = f"{TASKS_PACKAGE}.backends.dummy.DummyBackend"
IMMEDIATE_BACKEND = f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def manual_delivery(settings):
    """Deliveries run when a test says so (tests of the thread and task modes override)."""
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "manual", "SYNC_RETRY_BACKOFF": 5}


@pytest.fixture
def clerk_store(make_store, clerk_api):
    """The default store, real-time updates on, its keys known to the fake API."""
    store = make_store(code="default")
    clerk_api.add_store("default-public", "default-private")
    return store


@pytest.fixture
def deliver():
    """Deliver everything due now; returns the DeliveryReport."""
    return deliver_due


@pytest.fixture
def brand(db):
    from shop.models import Brand

    return Brand.objects.create(name="Acme", slug=f"acme-{next(_serial)}")


@pytest.fixture
def category(db):
    from shop.models import Category

    return Category.objects.create(name="Mugs", slug=f"mugs-{next(_serial)}")


@pytest.fixture
def make_product(db):
    from shop.models import Product

    from django_clerk.sync import sync_paused

    def make(*, categories=(), paused=False, **fields):
        n = next(_serial)
        values = {
            "name": f"Product {n}",
            "slug": f"product-{n}",
            "sku": f"SKU-{n}",
            "description": "A product",
            "price": Decimal("10.00"),
            "stock": 5,
            "image": f"products/{n}.jpg",
        }
        values.update(fields)
        if paused:
            with sync_paused():
                product = Product.objects.create(**values)
                product.categories.set(categories)
        else:
            product = Product.objects.create(**values)
            if categories:
                product.categories.set(categories)
        return product

    return make
