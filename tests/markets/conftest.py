"""Fixtures of the markets tests: the market shop sold in several currencies (DKK is the
shop's own), with customer-group and tier prices, orders in DKK and in EUR."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from django_clerk.models import Store
from django_clerk.sync import sync_paused
from tests.markets.clerk import RATES, SERIALIZERS
from tests.marketshop.conftest import make_products
from tests.marketshop.models import Category, GroupPrice, Order, OrderLine, Product, TierPrice

#: ``(code, currency)`` of the stores: Danish (the base currency), euro, yen, dinar.
MARKETS = [("default", ""), ("eu", "EUR"), ("jp", "JPY"), ("kw", "KWD")]


@pytest.fixture(autouse=True)
def market_settings(settings: Any) -> None:
    settings.CLERK = {
        **settings.CLERK,
        "SERIALIZERS": SERIALIZERS,
        "BASE_CURRENCY": "DKK",
        "CURRENCY_RATES": RATES,
    }
    settings.ROOT_URLCONF = "tests.markets.urls"


@pytest.fixture
def stores(make_store: Any, clerk_api: Any) -> dict[str, Store]:
    """A store per market, every one syncing orders and out-of-stock products."""
    found = {}
    for code, currency in MARKETS:
        found[code] = make_store(
            code=code, currency=currency, legacy_auth=True, include_out_of_stock=True
        )
        clerk_api.add_store(f"{code}-public", f"{code}-private")
    return found


@dataclass
class PricedCatalogue:
    products: list[Product]
    orders: list[Order]


def add_prices(products: list[Product]) -> None:
    """Group prices for "trade" (every product) and "vip" (every other one, two rows, the
    lower wins), and two quantity breaks on every third product."""
    for n, product in enumerate(products):
        GroupPrice.objects.create(product=product, group="trade", price_cents=8000 + 7 * n)
        if n % 2 == 0:
            GroupPrice.objects.create(product=product, group="vip", price_cents=7777 + n)
            GroupPrice.objects.create(product=product, group="vip", price_cents=9999)
        if n % 3 == 0:
            TierPrice.objects.create(product=product, min_quantity=10, price_cents=9001 + n)
            TierPrice.objects.create(product=product, min_quantity=5, price_cents=9503 + n)


def make_priced_catalogue(count: int = 9) -> PricedCatalogue:
    category = Category.objects.create(name="Boots", slug="boots")
    products = make_products(count, [category])
    add_prices(products)
    orders = []
    for currency, cents in (("", 12345), ("EUR", 1999)):
        order = Order.objects.create(
            email="ann@example.com",
            currency=currency,
            placed_at=datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.timezone.utc),
        )
        OrderLine.objects.create(
            order=order, product=products[0], quantity=2, unit_price_cents=cents
        )
        orders.append(order)
    return PricedCatalogue(products, orders)


@pytest.fixture
def priced(db: Any) -> PricedCatalogue:
    with sync_paused():
        return make_priced_catalogue()
