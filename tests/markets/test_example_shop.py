"""The example shop's markets: seed_demo's euro store and B2B prices, the trade price in its
product feed (in DKK and in EUR), and its price hooks."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import RequestFactory
from shop import prices
from shop.models import GroupPrice, NegotiatedPrice, Product

from django_clerk.mapping import get_serializer
from django_clerk.models import Store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def example_settings(settings: Any) -> None:
    """The example shop's own mapping and URLs (this directory's conftest sets others)."""
    from example_project import settings as example

    settings.CLERK = {**settings.CLERK, "SERIALIZERS": example.CLERK["SERIALIZERS"]}
    settings.ROOT_URLCONF = example.ROOT_URLCONF


def seed(**options: Any) -> None:
    call_command("seed_demo", products=40, orders=0, customers=0, pages=0, seed=2,
                 stdout=StringIO(), **options)  # fmt: skip


def test_seed_demo_adds_the_euro_store_and_b2b_prices() -> None:
    seed()
    euro = Store.objects.get(code="eu")
    assert (euro.currency, euro.language, euro.is_active) == ("EUR", "en", False)
    trade = GroupPrice.objects.filter(group="trade")
    assert trade.count() == 20 and all(g.price < g.product.price for g in trade)
    customer = User.objects.get(username="b2b")
    assert customer.check_password("b2b-demo") and Group.objects.filter(name="trade").exists()
    assert NegotiatedPrice.objects.filter(user=customer).count() == 5
    seed(reset=True)  # the prices go first, then the products they point at
    assert GroupPrice.objects.count() == 20
    seed(reset=True, market_prices=False)
    assert GroupPrice.objects.count() == 0 and NegotiatedPrice.objects.count() == 0


def test_the_trade_price_in_both_currencies(settings: Any) -> None:
    seed()
    Store.objects.filter(code="eu").update(is_active=True, public_key="eu", private_key="x")
    priced = GroupPrice.objects.select_related("product").first()
    assert priced is not None
    serializer = get_serializer("products")
    assert serializer is not None and serializer.data_source().rows
    product = Product.objects.filter(pk=priced.product.pk)
    danish = serializer.serialize(product, Store.objects.get(code="default"))[0]
    euro = serializer.serialize(product, Store.objects.get(code="eu"))[0]
    assert danish["customer_group_price_trade"] == float(priced.price)
    expected = (priced.price * Decimal("0.134")).quantize(Decimal("0.01"))
    assert euro["customer_group_price_trade"] == float(expected)


def test_the_hooks() -> None:
    seed()
    customer = User.objects.get(username="b2b")
    request = RequestFactory().get("/")
    request.user = customer
    assert prices.customer_group(request) is None
    customer.groups.add(Group.objects.get(name="trade"))
    assert prices.customer_group(request) == "trade"
    negotiated = NegotiatedPrice.objects.filter(user=customer).first()
    assert negotiated is not None
    store = Store.objects.get(code="default")
    ids = [str(negotiated.product_id), "not-an-id", "999999"]
    assert prices.individual_prices(customer, ids, store) == {
        str(negotiated.product_id): float(negotiated.price)
    }
