"""Clerk's value rules: only int, float, str, bool, lists and (multi-language) dicts, no null."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise


def to_timestamp(value: datetime.datetime | datetime.date) -> int:
    """A datetime (aware or naive, naive taken as UTC) or a date as a UNIX int."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return int(value.timestamp())
    return int(
        datetime.datetime(
            value.year, value.month, value.day, tzinfo=datetime.timezone.utc
        ).timestamp()
    )


def clerk_value(value: Any) -> Any:
    """Convert one value to a type Clerk accepts; ``None`` stays ``None`` (callers omit it)."""
    # Fast exits for the common types first: this runs for every value of every feed item.
    cls = value.__class__
    if cls is str or cls is int or cls is float or cls is bool or value is None:
        return value
    if cls is Decimal:
        return float(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return to_timestamp(value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [clerk_value(v) for v in value if v is not None]
    if isinstance(value, dict):
        return {str(k): clerk_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, Decimal):
        return float(value)
    # Subclasses of the plain types (IntEnum, SafeString, ...) become the plain type.
    if isinstance(value, str):
        return str.__str__(value)  # str() would keep a SafeString a SafeString
    for plain in (bool, int, float):
        if isinstance(value, plain):
            return plain(value)
    return str(value)  # UUID and other scalar objects


def without_nulls(data: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is ``None``: Clerk wants absent keys, never ``null``."""
    return {key: value for key, value in data.items() if value is not None}


def pk_of(item: Any) -> Any:
    """The primary key of a ``values()`` row or a model instance."""
    return item["pk"] if isinstance(item, dict) else item.pk
