"""Fields that merge several keys into the object (prices, variant roll-ups) and order lines.

Their attributes, from an instance and from a row alike:

- :class:`PricesField`: ``{"price": .., "list_price": .., "tax_rate": ..}`` (raw values);
- :class:`VariantsField`: ``(tax_rate, [variant, ...])``, a variant being the tuple of its
  :attr:`VariantsField.columns` values;
- :class:`OrderLinesField`: ``[{"product": .., "quantity": .., "price": ..}, ...]``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django_clerk.mapping.currency import field_money
from django_clerk.mapping.fields import ClerkField, related_objects, resolve
from django_clerk.mapping.reads import ReadContext, Reads, read_many, value_reader
from django_clerk.mapping.values import clerk_value

PRICE_PAIR = frozenset({"price", "price_excl_tax"})


def excl_tax(price: float, tax_rate: float, places: int = 2) -> float:
    return round(price / (1 + tax_rate), places)


def incl_tax(price: float, tax_rate: float, places: int = 2) -> float:
    return round(price * (1 + tax_rate), places)


def price_pair(
    name: str, amount: float, rate: float | None, includes_tax: bool, places: int = 2
) -> dict[str, float]:
    """``{name: gross, name_excl_tax: net}`` from one amount (no net without a rate),
    rounded to ``places`` (the currency's minor units)."""
    if rate is None:
        return {name: round(amount, places)}
    if includes_tax:
        return {name: round(amount, places), f"{name}_excl_tax": excl_tax(amount, rate, places)}
    return {name: incl_tax(amount, rate, places), f"{name}_excl_tax": round(amount, places)}


def resolve_amount(instance: Any, attr: str | dict[str, str]) -> Any:
    """The amount at ``attr``, or for a dict of ISO code to attribute, ``{code: amount}``
    (``None`` when every one is missing)."""
    if isinstance(attr, str):
        return resolve(instance, attr)
    found = {code: resolve(instance, path) for code, path in attr.items()}
    return found if any(v is not None for v in found.values()) else None


def amount_reader(model: Any, attr: str | dict[str, str]) -> tuple[list[str], Any] | None:
    """Columns and reader of :func:`resolve_amount` on a row."""
    if isinstance(attr, str):
        return value_reader(model, attr)
    readers = {code: value_reader(model, path) for code, path in attr.items()}
    if any(found is None for found in readers.values()):
        return None
    columns = [c for found in readers.values() if found for c in found[0]]
    each = [(code, found[1]) for code, found in readers.items() if found]

    def read(row: dict[str, Any]) -> Any:
        values = {code: reader(row) for code, reader in each}
        return values if any(v is not None for v in values.values()) else None

    return list(dict.fromkeys(columns)), read


def rate_reads(model: Any, tax_rate: Any) -> tuple[list[str], Any] | None:
    """Columns and reader of a tax rate given as an attribute path, a number or ``None``."""
    if isinstance(tax_rate, str):
        return value_reader(model, tax_rate)
    return [], lambda row: tax_rate


class PricesField(ClerkField):
    """Prices with and without tax: ``price``, ``price_excl_tax``, ``list_price``,
    ``list_price_excl_tax``, ``tax_rate`` (a fraction: 0.25 for 25%) and ``on_sale``.

    ``prices = PricesField(price="price", list_price="list_price", tax_rate="tax_rate")``;
    ``includes_tax=False`` when the shop stores net prices. ``tax_rate`` may also be a number.
    ``minor_units=100`` when prices are stored as integer cents (``price="price_cents"``).

    Prices are sent in the store's currency (``Store.currency``), rounded to its minor units:
    a price attribute is in ``CLERK["BASE_CURRENCY"]`` and converted with
    ``CLERK["CURRENCY_RATES"]``; a dict of ISO code to attribute
    (``price={"DKK": "price_dkk", "EUR": "price_eur"}``) gives the shop's own price of the
    store's currency, and converts the base currency's for the others.
    """

    clean_output = True

    merge = True

    def __init__(
        self,
        *,
        price: str | dict[str, str] = "price",
        list_price: str | dict[str, str] | None = "list_price",
        tax_rate: str | float | Decimal | None = "tax_rate",
        includes_tax: bool = True,
        minor_units: int = 1,
        **kwargs: Any,
    ) -> None:
        self.price_attr, self.list_price_attr = price, list_price
        self.minor_units = minor_units
        self.tax_rate = tax_rate
        self.includes_tax = includes_tax
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def output_keys(self) -> list[str]:
        keys = ["price", "price_excl_tax", "tax_rate"]
        if self.list_price_attr:
            keys += ["list_price", "list_price_excl_tax", "on_sale"]
        return keys

    def needs_rate(self, currency: str) -> bool:
        """Whether prices in ``currency`` are converted (an amount without an attribute of
        its own for ``currency``)."""
        attrs = [self.price_attr, self.list_price_attr]
        return any(
            attr is not None and not (isinstance(attr, dict) and currency in attr) for attr in attrs
        )

    def get_attribute(self, instance: Any) -> dict[str, Any]:
        rate = self.tax_rate
        return {
            "price": resolve_amount(instance, self.price_attr),
            "list_price": (
                resolve_amount(instance, self.list_price_attr) if self.list_price_attr else None
            ),
            "tax_rate": resolve(instance, rate) if isinstance(rate, str) else rate,
        }

    def reads(self, context: ReadContext) -> Reads | None:
        model = context.model
        price = amount_reader(model, self.price_attr)
        listed = amount_reader(model, self.list_price_attr) if self.list_price_attr else ([], None)
        rate = rate_reads(model, self.tax_rate)
        if price is None or listed is None or rate is None:
            return None
        read_price, read_listed, read_rate = price[1], listed[1], rate[1]

        def read(row: dict[str, Any]) -> dict[str, Any]:
            return {
                "price": read_price(row),
                "list_price": read_listed(row) if read_listed is not None else None,
                "tax_rate": read_rate(row),
            }

        return Reads(read, [*price[0], *listed[0], *rate[0]])

    def to_representation(self, value: dict[str, Any]) -> dict[str, Any]:
        rate = value["tax_rate"]
        rate = None if rate is None else float(rate)
        out: dict[str, Any] = {}
        money = field_money(self)
        places = money.places
        for name in ("price", "list_price"):
            raw = value[name]
            if raw is not None:
                converted = money.amount(raw, self.minor_units)
                out.update(price_pair(name, converted, rate, self.includes_tax, places))
        if rate is not None:
            out["tax_rate"] = rate
        if "list_price" in out:
            out["on_sale"] = out["price"] < out["list_price"]
        return out


class VariantsField(ClerkField):
    """Roll variants up into their parent product.

    One ``variant_<name>`` list per entry of ``attributes`` and, with ``price``, the
    cheapest variant's ``price`` (and ``price_excl_tax`` when a tax rate is known)::

        variants = VariantsField(
            source="variants",
            attributes={"ids": "pk", "skus": "sku", "prices": "price", "stocks": "stock"},
            price="price", tax_rate="tax_rate", override_price=True,
        )

    ``tax_rate`` is read from the parent. A product without variants keeps its own price.
    ``minor_units=100`` when the variants' prices are integer cents: the ``price`` attribute
    (and a ``variant_<name>`` list of it) is then sent in currency units.
    When another field (a :class:`PricesField`) emits the parent's price too, say which one
    wins: ``price=None`` keeps the parent's, ``override_price=True`` replaces the parent's
    ``price`` and ``price_excl_tax`` together (the pair always comes from one source: without
    a tax rate the parent's ``price_excl_tax`` is removed). Otherwise the system check
    ``django_clerk.E015`` reports the clash.
    """

    clean_output = True

    merge = True

    def __init__(
        self,
        *,
        attributes: dict[str, str] | None = None,
        price: str | None = "price",
        tax_rate: str | float | None = None,
        includes_tax: bool = True,
        override_price: bool = False,
        minor_units: int = 1,
        **kwargs: Any,
    ) -> None:
        self.attributes = attributes or {"ids": "pk", "prices": "price"}
        self.minor_units = minor_units
        self.price_attr = price
        self.tax_rate = tax_rate
        self.includes_tax = includes_tax
        self.override_price = override_price and price is not None
        self.replaces = PRICE_PAIR if self.override_price else frozenset()
        #: The variant attributes a variant tuple holds, in order.
        self.columns = list(dict.fromkeys([*self.attributes.values(), *([price] if price else [])]))
        #: (output key, index in a variant tuple) of each list.
        self.lists = [(f"variant_{k}", self.columns.index(a)) for k, a in self.attributes.items()]
        super().__init__(**kwargs)

    def output_keys(self) -> list[str]:
        keys = [f"variant_{key}" for key in self.attributes]
        return keys + (["price", "price_excl_tax"] if self.price_attr else [])

    def get_attribute(self, instance: Any) -> tuple[Any, list[tuple[Any, ...]]]:
        related = super().get_attribute(instance)
        rate = resolve(instance, self.tax_rate) if isinstance(self.tax_rate, str) else self.tax_rate
        variants = [
            tuple(resolve(v, attr) for attr in self.columns) for v in related_objects(related)
        ]
        return rate, variants

    def reads(self, context: ReadContext) -> Reads | None:
        attrs = list(self.source_attrs or [])
        many = read_many(context.model, attrs[0], self.columns) if len(attrs) == 1 else None
        rate = rate_reads(context.model, self.tax_rate)
        if many is None or rate is None:
            return None
        key, read_rate = many.key, rate[1]
        if len(self.columns) == 1:
            return Reads(
                lambda row: (read_rate(row), [(v,) for v in row[key]]), rate[0], many=[many]
            )
        return Reads(lambda row: (read_rate(row), row[key]), rate[0], many=[many])

    def to_representation(self, value: tuple[Any, list[tuple[Any, ...]]]) -> dict[str, Any]:
        rate, variants = value
        if not variants:
            return {}
        out: dict[str, Any] = {}
        money = field_money(self)
        minor = self.minor_units
        price_index = self.columns.index(self.price_attr) if self.price_attr else -1
        convert = money.converts or minor != 1
        for key, i in self.lists:
            if i == price_index and convert:
                out[key] = [money.amount(v[i], minor) for v in variants if v[i] is not None]
            else:
                out[key] = [clerk_value(v[i]) for v in variants if v[i] is not None]
        if self.price_attr:
            i = price_index
            prices = [money.amount(v[i], minor) for v in variants if v[i] is not None]
            if prices:
                rate = None if rate is None else float(rate)
                if self.override_price:
                    out["price_excl_tax"] = None  # removed, unless this rate gives one
                out.update(price_pair("price", min(prices), rate, self.includes_tax, money.places))
        return out

    def needs_rate(self, currency: str) -> bool:
        return bool(self.price_attr)


class OrderLinesField(ClerkField):
    """An order's lines as Clerk wants them: ``[{"id", "quantity", "price"}]``.

    ``products = OrderLinesField(source="lines", product="product_id", quantity="quantity",
    price="unit_price")``; ``price`` is the unit price (``minor_units=100`` when it is stored
    as integer cents). One query per page reads the lines from rows; from instances, the
    relation is prefetched.

    Prices are sent in the store's currency: ``currency="currency"`` names the order's own
    currency (an attribute of the order) when orders are kept in the currency they were
    placed in; they are then converted from it (else from ``CLERK["BASE_CURRENCY"]``).
    """

    clean_output = True

    def __init__(
        self,
        *,
        product: str = "product_id",
        quantity: str = "quantity",
        price: str = "price",
        minor_units: int = 1,
        currency: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.product_attr, self.quantity_attr, self.price_attr = product, quantity, price
        self.minor_units = minor_units
        self.currency = currency
        super().__init__(**kwargs)

    def needs_rate(self, currency: str) -> bool:
        return True

    def get_attribute(self, instance: Any) -> list[dict[str, Any]]:
        currency = resolve(instance, self.currency) if self.currency else None
        return [
            {
                "product": resolve(line, self.product_attr),
                "quantity": resolve(line, self.quantity_attr),
                "price": resolve(line, self.price_attr),
                "currency": currency,
            }
            for line in related_objects(super().get_attribute(instance))
        ]

    def reads(self, context: ReadContext) -> Reads | None:
        attrs = list(self.source_attrs or [])
        names = [self.product_attr, self.quantity_attr, self.price_attr]
        many = read_many(context.model, attrs[0], names) if len(attrs) == 1 else None
        currency = value_reader(context.model, self.currency) if self.currency else ([], None)
        if many is None or currency is None:
            return None
        key, read_currency = many.key, currency[1]

        def read(row: dict[str, Any]) -> list[dict[str, Any]]:
            code = read_currency(row) if read_currency is not None else None
            return [
                {"product": product, "quantity": quantity, "price": price, "currency": code}
                for product, quantity, price in row[key]
            ]

        return Reads(read, currency[0], many=[many])

    def to_representation(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        money, minor = field_money(self), self.minor_units
        return [
            {
                "id": clerk_value(line["product"]),
                "quantity": int(line["quantity"]),
                "price": money.amount(line["price"], minor, line.get("currency")),
            }
            for line in value
        ]
