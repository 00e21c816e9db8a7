"""The feeds and pushes of one shop in four currencies: every price of every product is the
Danish price times the store's rate, rounded to the currency's minor units, from rows and
from instances alike; orders carry each store's currency."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from django_clerk import mapping
from django_clerk.mapping import Policy, Renderer
from django_clerk.sync.delivery import deliver_due
from tests.markets import clerk
from tests.markets.conftest import PricedCatalogue, make_priced_catalogue
from tests.marketshop.models import Product

pytestmark = pytest.mark.django_db
PLACES = {"DKK": 2, "EUR": 2, "JPY": 0, "KWD": 3}
#: Keys whose value is one gross amount; lists of amounts; net amounts (gross / 1.25).
AMOUNTS = ("price", "list_price", "customer_group_price_trade", "customer_group_price_vip")
LISTS = ("tier_price_values", "variant_prices")


def converted(dkk: float, currency: str) -> float:
    rate = Decimal(1) if currency == "DKK" else Decimal(clerk.RATES[currency])
    exponent = Decimal(1).scaleb(-PLACES[currency])
    return float((Decimal(repr(dkk)) * rate).quantize(exponent, rounding=ROUND_HALF_UP))


def feed(client: Any, code: str, endpoint: str) -> dict[str, dict[str, Any]]:
    keys = {"key": f"{code}-public", "private_key": f"{code}-private", "limit": 100}
    response = client.get(f"/clerk/{endpoint}", keys, secure=True)
    assert response.status_code == 200, response.content
    return {item["id"]: item for item in response.json()}


@pytest.mark.parametrize("code,currency", [("eu", "EUR"), ("jp", "JPY"), ("kw", "KWD")])
def test_product_feeds_differ_by_the_rate(
    client: Any, stores: Any, priced: PricedCatalogue, code: str, currency: str
) -> None:
    danish, market = feed(client, "default", "product"), feed(client, code, "product")
    assert set(market) == set(danish) == {str(p.pk) for p in priced.products}
    compared = 0
    for pid, base in danish.items():
        item = market[pid]
        assert (base["currency"], item["currency"]) == ("DKK", currency)
        for key in AMOUNTS:
            if key in base:
                assert item[key] == converted(base[key], currency), (pid, key)
                net = round(item[key] / 1.25, PLACES[currency])
                assert item[f"{key}_excl_tax"] == net, (pid, key)
                compared += 1
        for key in LISTS:
            if key in base:
                assert item[key] == [converted(v, currency) for v in base[key]], (pid, key)
                compared += 1
        if "tier_price_quantities" in base:
            assert item["tier_price_quantities"] == base["tier_price_quantities"] == [5, 10]
        if currency == "JPY":
            assert item["price"] == int(item["price"])
    assert compared > 3 * len(danish)


def test_group_and_tier_prices(client: Any, stores: Any, priced: PricedCatalogue) -> None:
    danish = feed(client, "default", "product")
    first, second = (danish[str(p.pk)] for p in priced.products[:2])
    assert first["customer_group_price_trade"] == 80.0
    assert first["customer_group_price_trade_excl_tax"] == 64.0
    assert first["customer_group_price_vip"] == 77.77  # the lower of its two rows
    assert (
        "customer_group_price_vip" not in second and second["customer_group_price_trade"] == 80.07
    )
    assert first["tier_price_values"] == [95.03, 90.01]  # by quantity: 5, then 10
    assert first["tier_price_values_excl_tax"] == [76.02, 72.01]
    assert "tier_price_values" not in second


@pytest.mark.parametrize("code", ["default", "eu", "jp", "kw"])
def test_rows_and_instances_agree(stores: Any, priced: PricedCatalogue, code: str) -> None:
    store = stores[code]
    for serializer in (clerk.ProductSerializer, clerk.OrderSerializer):
        assert serializer.data_source().rows
        queryset = serializer.feed_queryset(store)
        rows = Renderer(serializer, store, source="rows").render_all(queryset).items
        instances = Renderer(serializer, store, source="instances").render_all(queryset).items
        assert rows and rows == instances


def test_rates_are_read_once_per_page(
    client: Any, stores: Any, priced: PricedCatalogue, settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "CURRENCY_RATES": "tests.markets.clerk.counted_rates"}
    clerk.rate_reads.clear()
    items = feed(client, "eu", "product")
    assert len(items) == len(priced.products) and len(clerk.rate_reads) == 1
    assert all(item["currency"] == "EUR" for item in items.values())


def test_order_feeds_carry_each_stores_currency(
    client: Any, stores: Any, priced: PricedCatalogue
) -> None:
    in_dkk, in_eur = (str(o.pk) for o in priced.orders)
    expected = {
        # (store, order): its line's unit price in the store's currency
        ("default", in_dkk): 123.45,
        ("default", in_eur): 149.18,  # 19.99 EUR / 0.134, normalised to the base currency
        ("eu", in_dkk): 16.54,  # 123.45 DKK * 0.134
        ("eu", in_eur): 19.99,  # placed in euros: as it is
        ("jp", in_eur): 3188.0,  # 19.99 / 0.134 * 21.37 = 3187.98...
        ("kw", in_dkk): 5.086,  # 123.45 * 0.0412 = 5.08614
    }
    currencies = {"default": "DKK", "eu": "EUR", "jp": "JPY", "kw": "KWD"}
    for (code, order_id), price in expected.items():
        order = feed(client, code, "order")[order_id]
        assert order["currency"] == currencies[code]
        assert order["products"] == [{"id": str(priced.products[0].pk), "quantity": 2,
                                      "price": price}], (code, order_id)  # fmt: skip


def test_pushes_carry_each_stores_currency(stores: Any, clerk_api: Any, settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "manual"}
    catalogue = make_priced_catalogue(2)  # real-time sync on: every save is recorded
    report = deliver_due()
    assert report.failed == 0 and report.upserted > 0
    product, order = catalogue.products[0], catalogue.orders[0]
    pushed = {code: pushed_by(clerk_api, f"{code}-public") for code in stores}
    danish_price = pushed["default"]["products"][str(product.pk)]["price"]
    for code, currency in (("eu", "EUR"), ("jp", "JPY"), ("kw", "KWD")):
        item = pushed[code]["products"][str(product.pk)]
        assert (item["currency"], item["price"]) == (currency, converted(danish_price, currency))
        sale = pushed[code]["orders"][str(order.pk)]
        assert sale["currency"] == currency
        assert sale["products"][0]["price"] == converted(123.45, currency)


def pushed_by(clerk_api: Any, key: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for request in clerk_api.calls("POST"):
        if request.params.get("key") == key and isinstance(request.params.get(request.path), list):
            for obj in request.params[request.path]:
                found.setdefault(request.path, {})[obj["id"]] = obj
    return found


class NativeNokSerializer(mapping.ProductSerializer):
    """The shop's own NOK price; no rate for NOK."""

    prices = mapping.PricesField(
        price={"DKK": "price_cents", "NOK": "price_nok_cents"},
        list_price=None,
        tax_rate=0.25,
        minor_units=100,
    )

    class Meta:
        model = Product
        fields = ["id", "prices"]


def test_a_native_price_column_is_sent_as_it_is(make_store: Any, priced: PricedCatalogue) -> None:
    norway = make_store(code="no", currency="NOK")
    with_nok, without = priced.products[:2]
    Product.objects.filter(pk=with_nok.pk).update(price_nok_cents=12990)
    queryset = Product.objects.filter(pk__in=[with_nok.pk, without.pk]).order_by("pk")
    for source in ("rows", "instances"):
        renderer = Renderer(
            NativeNokSerializer, norway, source=source, policy=Policy.COLLECT, validate=False
        )
        rendered = renderer.render_all(queryset)
        by_id = dict(zip(rendered.keys, rendered.items, strict=True))
        assert by_id[with_nok.pk]["price"] == 129.9  # NOK's own column, not converted
        assert "price" not in by_id[without.pk]  # no NOK price, no NOK rate: left out
        (problem,) = rendered.problems[rendered.keys.index(without.pk)]
        assert "no rate for NOK" in str(problem)
    danish = make_store(code="dk", currency="DKK")
    rows = Renderer(NativeNokSerializer, danish, validate=False).render_all(queryset).items
    assert [row["price"] for row in rows] == [
        p.price_cents / 100
        for p in Product.objects.filter(pk__in=[with_nok.pk, without.pk]).order_by("pk")
    ]
