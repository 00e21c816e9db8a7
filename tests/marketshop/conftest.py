"""Fixtures of the market shop: its mapping and URLs switched on, a catalogue, an English
and a Danish store."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from django_clerk.models import Store
from django_clerk.sync import sync_paused
from tests.marketshop.clerk import SERIALIZERS
from tests.marketshop.models import (
    Article,
    Category,
    Customer,
    Order,
    OrderLine,
    Post,
    Product,
    ProductImage,
    ProductTranslation,
    Sku,
)

KEYS = {"key": "default-public", "private_key": "default-private"}
"""The English store's keys, as a legacy feed request's query string."""
DANISH_KEYS = {"key": "dk-public", "private_key": "dk-private"}


@pytest.fixture(autouse=True)
def market_shop_settings(settings: Any) -> None:
    """``CLERK["SERIALIZERS"]`` maps the whole project: point it at this shop's mapping, and
    the URLs at this shop's (the product, category and page URLs are reversed)."""
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": SERIALIZERS}
    settings.ROOT_URLCONF = "tests.marketshop.urls"


@dataclass
class Catalogue:
    categories: list[Category]
    products: list[Product]
    customers: list[Customer]
    orders: list[Order]
    articles: list[Article]
    posts: list[Post]


def make_products(count: int, categories: list[Category], start: int = 0) -> list[Product]:
    """Products in several shapes, by ``n % 4``: 0 has everything (two languages, two SKUs,
    images out of order); 1 is English only, without a list price; 2 has no images and only
    a SKU out of stock; 3 has no SKUs and no Danish description."""
    products = []
    for n in range(start, start + count):
        shape = n % 4
        product = Product.objects.create(
            slug=f"boot-{n}",
            price_cents=9995 + n * 100,
            list_price_cents=None if shape == 1 else 12995 + n * 100,
        )
        ProductTranslation.objects.create(
            product=product, language="en", name=f"Boot {n}", description="Leather"
        )
        if shape in (0, 3):
            ProductTranslation.objects.create(
                product=product,
                language="da",
                name=f"Støvle {n}",
                description="" if shape == 3 else "Læder",
            )
        if shape != 3:
            Sku.objects.create(
                product=product, code=f"B-{n}-S", stock=0 if shape == 2 else n, price_cents=8995
            )
        if shape == 0:
            Sku.objects.create(product=product, code=f"B-{n}-L", stock=2, price_cents=9495 + n)
        if shape != 2:
            ProductImage.objects.create(product=product, path=f"products/{n}-b.jpg", position=2)
            ProductImage.objects.create(product=product, path=f"products/{n}-a.jpg", position=1)
        product.categories.set(categories[n % len(categories) :][:2])
        products.append(product)
    return products


def make_order(customer: Customer | None, products: list[Product]) -> Order:
    order = Order.objects.create(
        customer=customer,
        email=customer.email if customer else "guest@example.com",
        placed_at=datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.timezone.utc),
    )
    for quantity, product in enumerate(products, start=1):
        OrderLine.objects.create(
            order=order,
            product=product,
            quantity=quantity,
            unit_price_cents=product.price_cents,
        )
    return order


def make_catalogue() -> Catalogue:
    root = Category.objects.create(name="Shoes", slug="shoes")
    categories = [
        root,
        Category.objects.create(name="Boots", slug="boots", parent=root),
        Category.objects.create(name="Sandals", slug="sandals", parent=root),
    ]
    products = make_products(23, categories)
    customers = [
        Customer.objects.create(name="Ann", email="ann@example.com", subscribed=True),
        Customer.objects.create(name="Bo", email="bo@example.com"),
    ]
    orders = [
        make_order(customers[0], products[:2]),
        make_order(customers[1], products[2:5]),
        make_order(None, products[5:6]),
    ]
    articles = [
        Article.objects.create(slug="about", title="About", body="Who we are"),
        Article.objects.create(slug="shipping", title="Shipping", body="Fast"),
    ]
    posts = [
        Post.objects.create(slug="care", title="Care", body="Wax", label="News", label_da="Nyt"),
        Post.objects.create(slug="sale", title="Sale", body="Cheap", label="Offer"),
    ]
    return Catalogue(categories, products, customers, orders, articles, posts)


@pytest.fixture
def catalogue(db: Any) -> Catalogue:
    """3 categories, 23 products, 2 customers, 3 orders, 2 articles, 2 posts; created with
    the real-time sync paused."""
    with sync_paused():
        return make_catalogue()


@pytest.fixture
def clerk_store(make_store: Any, clerk_api: Any) -> Store:
    """The English store, every entity synced (out-of-stock products too), its keys known to
    the fake Clerk API."""
    store = make_store(
        code="default", sync_customers=True, legacy_auth=True, include_out_of_stock=True
    )
    clerk_api.add_store("default-public", "default-private")
    return store


@pytest.fixture
def danish_store(make_store: Any, clerk_api: Any) -> Store:
    """The Danish store, on its own host."""
    store = make_store(
        code="dk",
        language="da",
        base_url="https://shop.example.dk/",
        sync_customers=True,
        legacy_auth=True,
        include_out_of_stock=True,
    )
    clerk_api.add_store("dk-public", "dk-private")
    return store
