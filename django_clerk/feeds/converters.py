"""Exact, faster stand-ins for the ``to_representation`` of Clerk's own fields, and the
analysis of which columns a model property reads.

Each builder returns ``None`` when its field cannot be reproduced exactly (a subclass that
overrides something, a source that is not a plain column...): the compiler then runs the
field's own code on a light model instance.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import CodeType
from typing import Any

from django.conf import settings
from django.db.models import Model

from django_clerk.feeds.reversing import plain_column
from django_clerk.mapping import fields as clerk_fields
from django_clerk.mapping.fields import price_pair
from django_clerk.mapping.values import clerk_value


def _own(field: Any, cls: type, *names: str) -> bool:
    """Whether ``field`` runs ``cls``'s own versions of the methods ``names``."""
    return all(getattr(type(field), name) is getattr(cls, name) for name in names)


def _column(model: type[Model], name: str | None) -> str | None:
    field = plain_column(model, name) if name else None
    return field.attname if field is not None else None


def prices(field: Any, model: type[Model]) -> tuple[list[str], Callable] | None:
    """``PricesField``: its price, list price and tax rate read from the row."""
    if not _own(field, clerk_fields.PricesField, "to_representation", "_rate"):
        return None
    price = _column(model, field.price_attr)
    list_price = _column(model, field.list_price_attr) if field.list_price_attr else None
    rate_column = _column(model, field.tax_rate) if isinstance(field.tax_rate, str) else None
    if price is None or (field.list_price_attr and list_price is None):
        return None
    if isinstance(field.tax_rate, str) and rate_column is None:
        return None
    constant = None if field.tax_rate is None or rate_column else float(field.tax_rate)
    pairs = [(name, column) for name, column in (("price", price), ("list_price", list_price))]
    includes_tax = field.includes_tax

    def convert(row: dict[str, Any]) -> dict[str, Any]:
        rate = row[rate_column] if rate_column else constant
        rate = None if rate is None else float(rate)
        out: dict[str, Any] = {}
        for name, column in pairs:
            raw = row[column] if column else None
            if raw is not None:
                out.update(price_pair(name, float(raw), rate, includes_tax))
        if rate is not None:
            out["tax_rate"] = rate
        if "list_price" in out:
            out["on_sale"] = out["price"] < out["list_price"]
        return out

    columns = [c for c in (price, list_price, rate_column) if c]
    return columns, convert


def variants(
    field: Any, model: type[Model], related: type[Model]
) -> tuple[list[str], list[str], Callable] | None:
    """``VariantsField``: ``(parent columns, variant columns, convert((row, variants)))``, the
    variants being tuples of the variant columns, in the relation's order."""
    if not _own(field, clerk_fields.VariantsField, "to_representation", "get_attribute"):
        return None
    names = {key: related._meta.pk.attname if attr == "pk" else _column(related, attr)
             for key, attr in field.attributes.items()}  # fmt: skip
    price = _column(related, field.price_attr) if field.price_attr else None
    rate_column = _column(model, field.tax_rate) if isinstance(field.tax_rate, str) else None
    if None in names.values() or (field.price_attr and price is None):
        return None
    if isinstance(field.tax_rate, str) and rate_column is None:
        return None
    constant = None if field.tax_rate is None or rate_column else float(field.tax_rate)
    columns = list(dict.fromkeys([*names.values(), *([price] if price else [])]))
    index = {key: columns.index(column) for key, column in names.items()}
    price_index = columns.index(price) if price else None
    includes_tax = field.includes_tax

    def convert(value: tuple[dict[str, Any], list[tuple]]) -> dict[str, Any]:
        row, found = value
        if not found:
            return {}
        out: dict[str, Any] = {}
        for key, i in index.items():
            out[f"variant_{key}"] = [clerk_value(v[i]) for v in found if v[i] is not None]
        if price_index is not None:
            amounts = [float(v[price_index]) for v in found if v[price_index] is not None]
            if amounts:
                rate = row[rate_column] if rate_column else constant
                rate = None if rate is None else float(rate)
                out.update(price_pair("price", min(amounts), rate, includes_tax))
        return out

    return [rate_column] if rate_column else [], columns, convert


def translated(
    field: Any, model: type[Model]
) -> tuple[str, Callable[[str], list[str]], Callable[[str], Callable]] | None:
    """``TranslatedField`` read from the row: ``(column, columns(language), bind(language))``;
    ``columns`` are the translation columns a language reads, ``bind`` gives the converter.
    Both take the language as ``translation.get_language()`` gives it."""
    if not _own(field, clerk_fields.TranslatedField, "to_representation"):
        return None
    attribute = field.attribute or field.field_name
    if _column(model, attribute) is None:
        return None

    def candidates(language: str) -> list[str]:
        if language == settings.LANGUAGE_CODE:
            return []
        names = [field.pattern.format(attribute=attribute, lang=language.replace("-", "_"))]
        if "-" in language:  # "pt-br" falls back to "pt"
            names.append(field.pattern.format(attribute=attribute, lang=language.split("-")[0]))
        return names

    # A candidate that is neither a plain column nor absent (a property...) needs the object.
    everyone = {n for code, _ in settings.LANGUAGES for n in candidates(code.lower())}
    if any(_column(model, n) is None and hasattr(model, n) for n in everyone):
        return None

    def columns(language: str) -> list[str]:
        return [n for n in candidates(language) if _column(model, n) == n]

    def bind(language: str) -> Callable:
        names = columns(language)

        def convert(row: dict[str, Any]) -> Any:
            for name in names:  # the language's column, then the short language's
                value = row[name]
                if value:
                    return str(value)
            value = row[attribute]
            return None if value is None else clerk_value(value)

        return convert

    return attribute, columns, bind


def image(field: Any, join: Callable[[str], str]) -> Callable | None:
    """``ImageURLField`` on a stored path: the usual case without ``urljoin``."""
    if not _own(field, clerk_fields.ImageURLField, "to_representation", "absolute"):
        return None
    prefix = field.prefix if field.prefix is not None else (settings.MEDIA_URL or "/")
    to_representation = field.to_representation

    def convert(value: Any) -> str | None:
        if value.__class__ is not str or not value or "://" in value or value[0] == "/":
            return to_representation(value)  # files, defaults and absolute values as usual
        value = f"{prefix}{value}" if prefix.endswith("/") else f"{prefix}/{value}"
        if not value.startswith("/") and "://" not in value:
            value = "/" + value
        return join(value)

    return convert


def attribute_columns(model: type[Model], name: str, depth: int = 0) -> set[str] | None:
    """The plain columns a property or method ``name`` of ``model`` may read (names used in
    its code, and in the code of the model's properties and methods it names), or ``None``
    when it is something else. An attribute read this analysis misses makes the light
    instance load a deferred column: a query, which the compiler catches and falls back on.
    """
    attribute = inspect.getattr_static(model, name, None)
    if isinstance(attribute, property):
        attribute = attribute.fget
    attribute = getattr(attribute, "func", attribute)  # cached_property
    if not inspect.isfunction(attribute) or depth > 3:
        return None
    found: set[str] = set()
    for used in _names(attribute.__code__):
        column = _column(model, used)
        if column is not None:
            found.add(column)
        elif used not in vars(Model) and hasattr(model, used) and used != name:
            found |= attribute_columns(model, used, depth + 1) or set()
    return found


def _names(code: CodeType) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            names |= _names(constant)
    return names
