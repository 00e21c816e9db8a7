"""The market shop's mapping with prices per market: the store's currency on products and
orders, the shop's own NOK price, customer-group and tier prices, orders in their own
currency. Every serializer renders from rows."""

from __future__ import annotations

from typing import Any

from django_clerk import mapping
from tests.marketshop import clerk as marketshop
from tests.marketshop.models import Order

TAX_RATE = marketshop.TAX_RATE
#: Units of each currency one Danish krone buys (the shop's base currency is DKK).
RATES = {"EUR": "0.134", "JPY": "21.37", "KWD": "0.0412", "SEK": "1.52"}


class ProductSerializer(marketshop.ProductSerializer):
    prices = mapping.PricesField(
        price={"DKK": "price_cents", "NOK": "price_nok_cents"},
        list_price="list_price_cents",
        tax_rate=TAX_RATE,
        minor_units=100,
    )
    group_prices = mapping.GroupPricesField(  # the relation of the same name
        group="group", price="price_cents", tax_rate=TAX_RATE,
        minor_units=100,
    )  # fmt: skip
    tiers = mapping.TierPricesField(
        source="tier_prices", quantity="min_quantity", price="price_cents", tax_rate=TAX_RATE,
        minor_units=100,
    )  # fmt: skip
    currency = mapping.CurrencyField()

    class Meta(marketshop.ProductSerializer.Meta):
        fields = [*marketshop.ProductSerializer.Meta.fields, "group_prices", "tiers", "currency"]


class OrderSerializer(marketshop.OrderSerializer):
    products = mapping.OrderLinesField(
        source="lines",
        product="product_id",
        quantity="quantity",
        price="unit_price_cents",
        minor_units=100,
        currency="currency",
    )
    currency = mapping.CurrencyField()

    class Meta:
        model = Order
        fields = ["id", "products", "time", "customer", "email", "currency"]
        date_field = "placed_at"


SERIALIZERS: dict[str, Any] = {
    **marketshop.SERIALIZERS,
    "products": "tests.markets.clerk.ProductSerializer",
    "orders": "tests.markets.clerk.OrderSerializer",
}

rate_reads: list[int] = []


def counted_rates() -> dict[str, str]:
    """``CLERK["CURRENCY_RATES"]`` as a callable that counts its calls."""
    rate_reads.append(1)
    return dict(RATES)
