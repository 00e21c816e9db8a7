"""Serializer fields for Clerk's value rules: absolute URLs, timestamps, prices, id lists,
translations, variant roll-ups and order lines.

All are DRF fields, read-only. The serializer's context carries the ``store`` the output is
rendered for (its base URL and language).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.utils import translation
from rest_framework import serializers

from django_clerk.mapping.values import clerk_value, join_url, to_timestamp


def _all(value: Any) -> Iterable[Any]:
    """Iterate a related manager through its prefetch cache, or a plain iterable."""
    if value is None:
        return ()
    return value.all() if hasattr(value, "all") else value


def _resolve(obj: Any, path: str) -> Any:
    """Follow a dotted attribute path; call callables; ``None`` on a missing link."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
        if callable(obj) and not hasattr(obj, "all"):
            obj = obj()
    return obj


class ClerkField(serializers.Field):
    """Base of the read-only Clerk fields."""

    #: A merge field returns a dict whose keys are added to the object (e.g. ``variant_*``).
    merge = False
    #: Whether a missing value (``None``) still goes through ``to_representation`` (a field
    #: with a default of its own); otherwise the key is left out.
    renders_none = False

    #: The arguments of DRF's ``Field``; ModelSerializer also passes type-specific ones
    #: (``max_digits``, ``max_length``...) to the fields it builds, which output ignores.
    FIELD_ARGUMENTS = frozenset(
        {"source", "label", "help_text", "style", "error_messages", "allow_null", "default"}
    )

    def __init__(self, **kwargs: Any) -> None:
        kwargs = {k: v for k, v in kwargs.items() if k in self.FIELD_ARGUMENTS}
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    @property
    def store(self) -> Any:
        return self.context.get("store")

    def absolute(self, path: str) -> str:
        """``path`` made absolute against the store's base URL (computed once per render)."""
        if not path:
            return path
        context = self.context
        base = context.get("_base_url")
        if base is None:
            store = context.get("store")
            base = context["_base_url"] = store.get_base_url() if store is not None else ""
        return join_url(base, path)


class AbsoluteURLField(ClerkField):
    """An absolute URL: from a path attribute, or ``get_absolute_url()`` by default.

    ``url = AbsoluteURLField()`` calls ``obj.get_absolute_url()``;
    ``url = AbsoluteURLField(source="permalink")`` reads a path or URL attribute.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "get_absolute_url")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return self.absolute(str(value)) if value else None


class ImageURLField(ClerkField):
    """An absolute image URL from a ``FileField``/``ImageField`` or a stored path.

    A bare relative path such as ``products/1.jpg`` is taken as relative to
    ``MEDIA_URL`` (or ``prefix`` when given); absolute URLs and ``/paths`` pass as they are.
    """

    def __init__(self, *, prefix: str | None = None, default_image: str | None = None, **kwargs):
        self.prefix = prefix
        self.default_image = default_image
        self.renders_none = bool(default_image)
        if default_image:
            kwargs.setdefault("default", None)  # a missing link ("photo.file" of None) too
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        if isinstance(value, FieldFile):
            value = value.url if value else None
        if not value:
            value = self.default_image
            if not value:
                return None
        value = str(value)
        if "://" not in value and not value.startswith("/"):
            prefix = self.prefix if self.prefix is not None else (settings.MEDIA_URL or "/")
            value = f"{prefix}{value}" if prefix.endswith("/") else f"{prefix}/{value}"
            if not value.startswith("/") and "://" not in value:
                value = "/" + value
        return self.absolute(value)


class TimestampField(ClerkField):
    """A ``datetime`` or ``date`` as a UNIX timestamp (int)."""

    def to_representation(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, (datetime.datetime, datetime.date)):
            return to_timestamp(value)
        return int(value)


class PriceField(ClerkField):
    """A price (Decimal, int or str) as a float rounded to ``decimals`` places."""

    def __init__(self, *, decimals: int = 2, **kwargs: Any) -> None:
        self.decimals = decimals
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> float | None:
        return None if value is None else round(float(value), self.decimals)


class IdListField(ClerkField):
    """The ids of related objects (many-to-many, reverse foreign key): ``[3, 7]``.

    Reads the prefetch cache; the serializer prefetches the relation automatically.
    """

    def __init__(self, *, id_attribute: str = "pk", **kwargs: Any) -> None:
        self.id_attribute = id_attribute
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> list[Any]:
        attr = self.id_attribute
        return [clerk_value(getattr(obj, attr)) for obj in _all(value)]


class TranslatedField(ClerkField):
    """Text in the store's language, for shops that keep translations in columns.

    ``name = TranslatedField()`` reads ``name_da`` in a Danish store (``name_pt_br`` for
    ``pt-br``) and falls back to ``name`` when that is empty or missing. Projects using
    django-modeltranslation or django-parler need nothing: serialization already runs inside
    ``translation.override(store language)``, so their descriptors answer in that language.
    """

    def __init__(self, attribute: str | None = None, *, pattern: str = "{attribute}_{lang}", **kw):
        self.attribute = attribute
        self.pattern = pattern
        kw["source"] = "*"
        super().__init__(**kw)

    def to_representation(self, instance: Any) -> Any:
        attribute = self.attribute or self.field_name
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language != settings.LANGUAGE_CODE:
            translated = getattr(
                instance,
                self.pattern.format(attribute=attribute, lang=language.replace("-", "_")),
                None,
            )
            if not translated and "-" in language:  # "pt-br" falls back to "pt"
                short = language.split("-")[0]
                translated = getattr(
                    instance, self.pattern.format(attribute=attribute, lang=short), None
                )
            if translated:
                return str(translated)
        value = getattr(instance, attribute)
        return None if value is None else clerk_value(value)


def excl_tax(price: float, tax_rate: float) -> float:
    return round(price / (1 + tax_rate), 2)


def incl_tax(price: float, tax_rate: float) -> float:
    return round(price * (1 + tax_rate), 2)


class PricesField(ClerkField):
    """Prices with and without tax: ``price``, ``price_excl_tax``, ``list_price``,
    ``list_price_excl_tax`` and ``tax_rate`` (a fraction: 0.25 for 25%).

    ``prices = PricesField(price="price", list_price="list_price", tax_rate="tax_rate")``;
    ``includes_tax=False`` when the shop stores net prices. ``tax_rate`` may also be a number.
    """

    merge = True

    def __init__(
        self,
        *,
        price: str = "price",
        list_price: str | None = "list_price",
        tax_rate: str | float | Decimal | None = "tax_rate",
        includes_tax: bool = True,
        **kwargs: Any,
    ) -> None:
        self.price_attr, self.list_price_attr = price, list_price
        self.tax_rate = tax_rate
        self.includes_tax = includes_tax
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def _rate(self, instance: Any) -> float | None:
        if self.tax_rate is None:
            return None
        rate = (
            _resolve(instance, self.tax_rate) if isinstance(self.tax_rate, str) else self.tax_rate
        )
        return None if rate is None else float(rate)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        rate = self._rate(instance)
        out: dict[str, Any] = {}
        for name, attr in (("price", self.price_attr), ("list_price", self.list_price_attr)):
            raw = _resolve(instance, attr) if attr else None
            if raw is None:
                continue
            out.update(price_pair(name, float(raw), rate, self.includes_tax))
        if rate is not None:
            out["tax_rate"] = rate
        if "list_price" in out:
            out["on_sale"] = out["price"] < out["list_price"]
        return out


def price_pair(
    name: str, amount: float, rate: float | None, includes_tax: bool
) -> dict[str, float]:
    """``{name: gross, name_excl_tax: net}`` from one amount (no net without a rate)."""
    if rate is None:
        return {name: round(amount, 2)}
    if includes_tax:
        return {name: round(amount, 2), f"{name}_excl_tax": excl_tax(amount, rate)}
    return {name: incl_tax(amount, rate), f"{name}_excl_tax": round(amount, 2)}


class VariantsField(ClerkField):
    """Roll variants up into their parent product.

    The parent gets the cheapest variant's ``price`` (and ``price_excl_tax`` when a tax rate
    is known) and one ``variant_<name>`` list per entry of ``attributes``::

        variants = VariantsField(
            source="variants",
            attributes={"ids": "pk", "skus": "sku", "prices": "price", "stocks": "stock"},
            price="price", tax_rate="tax_rate",
        )

    ``tax_rate`` is read from the parent. A product without variants keeps its own price.
    The relation is prefetched automatically.
    """

    merge = True

    def __init__(
        self,
        *,
        attributes: dict[str, str] | None = None,
        price: str | None = "price",
        tax_rate: str | float | None = None,
        includes_tax: bool = True,
        **kwargs: Any,
    ) -> None:
        self.attributes = attributes or {"ids": "pk", "prices": "price"}
        self.price_attr = price
        self.tax_rate = tax_rate
        self.includes_tax = includes_tax
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        # Keep the parent at hand for its tax rate.
        return instance, super().get_attribute(instance)

    def to_representation(self, value: tuple[Any, Any]) -> dict[str, Any]:
        parent, related = value
        variants = list(_all(related))
        if not variants:
            return {}
        out: dict[str, Any] = {}
        for key, attr in self.attributes.items():
            out[f"variant_{key}"] = [clerk_value(_resolve(v, attr)) for v in variants]
        if self.price_attr:
            prices = [_resolve(v, self.price_attr) for v in variants]
            prices = [float(p) for p in prices if p is not None]
            if prices:
                rate: Any = self.tax_rate
                if isinstance(rate, str):
                    rate = _resolve(parent, rate)
                rate = None if rate is None else float(rate)
                out.update(price_pair("price", min(prices), rate, self.includes_tax))
        return out


class OrderLinesField(ClerkField):
    """An order's lines as Clerk wants them: ``[{"id", "quantity", "price"}]``.

    ``products = OrderLinesField(source="lines", product="product_id", quantity="quantity",
    price="unit_price")``; ``price`` is the unit price. The relation is prefetched.
    """

    def __init__(
        self,
        *,
        product: str = "product_id",
        quantity: str = "quantity",
        price: str = "price",
        **kwargs: Any,
    ) -> None:
        self.product_attr, self.quantity_attr, self.price_attr = product, quantity, price
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": clerk_value(_resolve(line, self.product_attr)),
                "quantity": int(_resolve(line, self.quantity_attr)),
                "price": round(float(_resolve(line, self.price_attr)), 2),
            }
            for line in _all(value)
        ]
