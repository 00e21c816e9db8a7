"""Price fields for markets and B2B shops: the store's currency, customer-group prices and
tier prices (quantity breaks). Like :class:`~django_clerk.mapping.PricesField`, their amounts
are in the store's currency, rounded to its minor units (see
:mod:`django_clerk.mapping.currency`), and they read from rows: one query per relation per
page.

Their attributes, from an instance and from a row alike:

- :class:`GroupPricesField`: ``(tax_rate, [(group, amount), ...])``;
- :class:`TierPricesField`: ``(tax_rate, [(quantity, amount), ...])``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django_clerk.mapping.currency import field_money
from django_clerk.mapping.fields import ClerkField, related_objects, resolve
from django_clerk.mapping.reads import ReadContext, Reads, read_many
from django_clerk.mapping.rollups import price_pair, rate_reads

#: What a group id may hold in an attribute name (others become ``_``).
UNSAFE_KEY = re.compile(r"[^A-Za-z0-9_]")


def group_key(group: Any) -> str:
    """A customer group id as the end of an attribute name: ``"Trade EU"`` → ``trade_eu``."""
    return UNSAFE_KEY.sub("_", str(group)).lower()


class CurrencyField(ClerkField):
    """The ISO 4217 code of the store's currency (``"EUR"``), e.g. on orders and products:
    ``currency = CurrencyField()``. Left out when the store has no currency. Reads nothing."""

    clean_output = True
    renders_none = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> None:
        return None

    def reads(self, context: ReadContext) -> Reads | None:
        return Reads(lambda row: None)

    def to_representation(self, value: Any) -> str | None:
        return field_money(self).code or field_money(self).base or None


class _RelatedPricesField(ClerkField):
    """A many relation of price rows, each a key (``key``) and an amount (``price``)."""

    clean_output = True
    merge = True

    def __init__(
        self,
        *,
        key: str,
        price: str = "price",
        tax_rate: str | float | Decimal | None = None,
        includes_tax: bool = True,
        minor_units: int = 1,
        **kwargs: Any,
    ) -> None:
        self.key_attr, self.price_attr = key, price
        self.tax_rate = tax_rate
        self.includes_tax = includes_tax
        self.minor_units = minor_units
        super().__init__(**kwargs)

    def needs_rate(self, currency: str) -> bool:
        return True

    def get_attribute(self, instance: Any) -> tuple[Any, list[tuple[Any, Any]]]:
        related = super().get_attribute(instance)
        rate = resolve(instance, self.tax_rate) if isinstance(self.tax_rate, str) else self.tax_rate
        rows = [
            (resolve(row, self.key_attr), resolve(row, self.price_attr))
            for row in related_objects(related)
        ]
        return rate, rows

    def reads(self, context: ReadContext) -> Reads | None:
        attrs = list(self.source_attrs or [])
        columns = [self.key_attr, self.price_attr]
        many = read_many(context.model, attrs[0], columns) if len(attrs) == 1 else None
        rate = rate_reads(context.model, self.tax_rate)
        if many is None or rate is None:
            return None
        key, read_rate = many.key, rate[1]
        return Reads(lambda row: (read_rate(row), row[key]), rate[0], many=[many])


class GroupPricesField(_RelatedPricesField):
    """Customer-group prices: ``customer_group_price_<group>`` and, with a tax rate,
    ``customer_group_price_<group>_excl_tax``, from a relation of price rows::

        group_prices = GroupPricesField(
            source="group_prices", group="group_id", price="price", tax_rate="tax_rate"
        )

    ``group`` is a column of the price rows (the group's id or code, as
    ``CLERK["CUSTOMER_GROUP"]`` gives it for a visitor). A group with several rows keeps its
    lowest price. ``tax_rate`` is read from the product (or a number).
    """

    clean_output = True  # read on the exact class (see ClerkField.clean_output)

    def __init__(self, *, group: str = "group_id", **kwargs: Any) -> None:
        super().__init__(key=group, **kwargs)

    def output_keys(self) -> list[str]:
        return ["customer_group_price_<group>", "customer_group_price_<group>_excl_tax"]

    def to_representation(self, value: tuple[Any, list[tuple[Any, Any]]]) -> dict[str, Any]:
        rate, rows = value
        money, minor = field_money(self), self.minor_units
        keys: dict[Any, str] = self.__dict__.setdefault("_keys", {})  # per render
        lowest: dict[str, float] = {}
        for group, raw in rows:
            if group is None or raw is None:
                continue
            found = money.amount(raw, minor)
            name = keys.get(group)
            if name is None:
                name = keys[group] = f"customer_group_price_{group_key(group)}"
            if name not in lowest or found < lowest[name]:
                lowest[name] = found
        tax = None if rate is None else float(rate)
        out: dict[str, Any] = {}
        for name, found in lowest.items():
            out.update(price_pair(name, found, tax, self.includes_tax, money.places))
        return out


class TierPricesField(_RelatedPricesField):
    """Tier prices (quantity breaks) as Clerk's extensions send them: the lists
    ``tier_price_quantities`` and ``tier_price_values`` (and, with a tax rate,
    ``tier_price_values_excl_tax``), by ascending quantity::

        tiers = TierPricesField(source="tier_prices", quantity="min_quantity", price="price")
    """

    clean_output = True

    def __init__(self, *, quantity: str = "quantity", **kwargs: Any) -> None:
        super().__init__(key=quantity, **kwargs)

    def output_keys(self) -> list[str]:
        return ["tier_price_quantities", "tier_price_values", "tier_price_values_excl_tax"]

    def to_representation(self, value: tuple[Any, list[tuple[Any, Any]]]) -> dict[str, Any]:
        rate, rows = value
        money, minor = field_money(self), self.minor_units
        tiers = sorted(
            (int(quantity), money.amount(raw, minor))
            for quantity, raw in rows
            if quantity is not None and raw is not None
        )
        if not tiers:
            return {}
        tax = None if rate is None else float(rate)
        gross: list[float] = []
        net: list[float] = []
        for _, found in tiers:
            pair = price_pair("p", found, tax, self.includes_tax, money.places)
            gross.append(pair["p"])
            if "p_excl_tax" in pair:
                net.append(pair["p_excl_tax"])
        out: dict[str, Any] = {
            "tier_price_quantities": [quantity for quantity, _ in tiers],
            "tier_price_values": gross,
        }
        if net:
            out["tier_price_values_excl_tax"] = net
        return out
