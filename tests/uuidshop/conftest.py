"""Fixtures of the UUID-keyed shop: its mapping switched on, a small catalogue, a store."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from django_clerk.models import Store
from django_clerk.sync import sync_paused
from tests.uuidshop.clerk import SERIALIZERS
from tests.uuidshop.models import Category, Customer, Order, OrderLine, Page, Product

LONG_PATH = ("guides/" + "care-of-leather-boots/" * 12)[:254] + "z"
"""A page id of 255 characters, the longest the model allows."""
KEYS = {"key": "default-public", "private_key": "default-private"}
"""The default store's keys, as a legacy feed request's query string."""


@pytest.fixture(autouse=True)
def uuid_shop_settings(settings: Any) -> None:
    """``CLERK["SERIALIZERS"]`` maps the whole project: point it at this shop's mapping."""
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": SERIALIZERS}


@dataclass
class Catalogue:
    categories: list[Category]
    products: list[Product]
    customers: list[Customer]
    orders: list[Order]
    pages: list[Page]


def make_products(count: int, categories: list[Category], start: int = 0) -> list[Product]:
    products = []
    for n in range(start, start + count):
        product = Product.objects.create(
            name=f"Boot {n}",
            description="Leather",
            price=Decimal("99.95") + n,
            image=f"products/{n}.jpg",
            sku=f"B-{n}",
            stock=n % 4 + 1,
        )
        product.categories.set(categories[n % len(categories) :][:2])
        products.append(product)
    return products


def make_order(customer: Customer, products: list[Product]) -> Order:
    order = Order.objects.create(
        customer=customer,
        email=customer.email,
        placed_at=datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.timezone.utc),
    )
    for quantity, product in enumerate(products, start=1):
        OrderLine.objects.create(
            order=order, product=product, quantity=quantity, unit_price=product.price
        )
    return order


@pytest.fixture
def catalogue(db: Any) -> Catalogue:
    """3 categories (one tree), 23 products, 2 customers, 3 orders, 3 pages; created with the
    real-time sync paused (the sync tests make their own changes)."""
    with sync_paused():
        return make_catalogue()


def make_catalogue() -> Catalogue:
    root = Category.objects.create(name="Shoes")
    categories = [
        root,
        Category.objects.create(name="Boots", parent=root),
        Category.objects.create(name="Sandals", parent=root),
    ]
    products = make_products(23, categories)
    customers = [
        Customer.objects.create(name="Ann", email="ann@example.com", subscribed=True),
        Customer.objects.create(name="Bo", email="bo@example.com"),
    ]
    orders = [
        make_order(customers[0], products[:2]),
        make_order(customers[1], products[2:5]),
        make_order(customers[0], products[5:6]),
    ]
    pages = [
        Page.objects.create(path="about", title="About", body="Who we are"),
        Page.objects.create(path="blog/2025/boots", kind="blog", title="Boots", body="Care"),
        Page.objects.create(path=LONG_PATH, kind="guide", title="Guide", body="Long"),
    ]
    return Catalogue(categories, products, customers, orders, pages)


@pytest.fixture
def clerk_store(make_store: Any, clerk_api: Any) -> Store:
    """The default store, every entity synced, its keys known to the fake Clerk API; it
    accepts its private key in feed requests (the legacy crawls send it in the query)."""
    store = make_store(code="default", sync_customers=True, legacy_auth=True)
    clerk_api.add_store("default-public", "default-private")
    return store
