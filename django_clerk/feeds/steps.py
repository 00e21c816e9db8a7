"""The per-page steps of a compiled plan: how each field gets its value from a row (or a
light instance) and turns it into Clerk's value."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models
from rest_framework import fields as drf_fields
from rest_framework import relations

from django_clerk.feeds import converters
from django_clerk.feeds.reversing import UrlTemplate, plain_column
from django_clerk.mapping import fields as clerk_fields
from django_clerk.mapping.values import clerk_value

if TYPE_CHECKING:
    from django_clerk.feeds.compiler import FeedPlan

SCALARS: dict[type, Callable[[Any], Any]] = {
    drf_fields.IntegerField: int,
    drf_fields.CharField: str,
    drf_fields.EmailField: str,
    drf_fields.SlugField: str,
}


def null_link(attrs: list[str], depth: int) -> Any:
    """An object whose ``attrs[:depth+1]`` path ends in ``None``, for DRF's missing-link rules."""
    from types import SimpleNamespace

    value: Any = None
    for attr in reversed(attrs[: depth + 1]):
        value = SimpleNamespace(**{attr: value})
    return value


def _get_column(field: Any, arg: Any, related: dict) -> Callable:
    column, links, attrs = arg
    if not links:
        return lambda row, instance: row[column]

    def get(row: dict, instance: Any) -> Any:
        for depth, link in enumerate(links):
            if row[link] is None:  # DRF meets None half-way: default, null, skip or error
                return field.get_attribute(null_link(attrs, depth))
        return row[column]

    return get


def _get_related(field: Any, arg: Any, related: dict) -> Callable:
    found = related[arg]
    return lambda row, instance: found.get(row["pk"], [])


def _get_parent_and_related(field: Any, arg: Any, related: dict) -> Callable:
    found = related[arg]
    return lambda row, instance: (instance, found.get(row["pk"], []))


def _get_row_and_related(field: Any, arg: Any, related: dict) -> Callable:
    found = related[arg]
    return lambda row, instance: (row, found.get(row["pk"], ()))


GETTERS: dict[str, Callable[[Any, Any, dict], Callable]] = {
    "column": _get_column,
    "url": lambda field, arg, related: lambda row, instance: row[arg],
    "pk_only": lambda field, arg, related: (
        lambda row, instance: relations.PKOnlyObject(pk=row[arg])
    ),
    "related": _get_related,
    "parent_and_related": _get_parent_and_related,
    "variants": _get_row_and_related,
    "row": lambda field, arg, related: lambda row, instance: row,
    "instance": lambda field, arg, related: lambda row, instance: instance,
    "attribute": lambda field, arg, related: _get_attribute(field),
}


def _get_attribute(field: Any) -> Callable:
    """DRF's ``field.get_attribute(instance)``, with a shortcut for a plain attribute value."""
    attrs = getattr(field, "source_attrs", None) or []
    if type(field).get_attribute is not drf_fields.Field.get_attribute or len(attrs) != 1:
        return lambda row, instance: field.get_attribute(instance)
    name = attrs[0]

    def get(row: dict, instance: Any) -> Any:
        try:
            value = getattr(instance, name)
        except Exception:  # DRF's own handling: default, null, skip or a clear error
            return field.get_attribute(instance)
        return field.get_attribute(instance) if callable(value) else value

    return get


def converter(field: Any, kind: str, arg: Any, join: Callable, plan: FeedPlan) -> Callable:
    """The field's ``to_representation``, or an exact shortcut of it."""
    cls = type(field)
    if kind == "related" and plan.relations[arg].columns is not None:
        return lambda ids: [clerk_value(i) for i in ids if i is not None]  # IdListField
    if kind == "url":
        view_name, kwarg, attname = plan.url_call
        is_int = isinstance(plain_column(plan.model, attname), models.IntegerField)
        url = UrlTemplate(view_name, kwarg, is_int)
        if cls.to_representation is clerk_fields.AbsoluteURLField.to_representation:
            return lambda value: join(str(url(value)))
        return lambda value: field.to_representation(url(value))
    if getattr(cls, "absolute", None) is clerk_fields.ClerkField.absolute:
        if cls.to_representation is clerk_fields.AbsoluteURLField.to_representation:
            return lambda value: join(str(value)) if value else None
        image = converters.image(field, join)
        if image is not None:
            return image
    scalar = SCALARS.get(cls)
    if scalar is not None:
        return lambda value: value if value.__class__ is scalar else scalar(value)
    if cls is drf_fields.BooleanField:
        to_representation = field.to_representation
        return lambda value: value if value.__class__ is bool else to_representation(value)
    return field.to_representation
