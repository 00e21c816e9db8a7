"""The DRF path of the feeds: a serializer's own ``to_representation``, object by object.

Used for serializers the compiler does not take (see :mod:`django_clerk.feeds.compiler`) and
for pages the compiled plan could not render. Validation is done by the feed (it logs and
serves, see :mod:`django_clerk.feeds.validation`), so the serializer runs without it. An
object whose serialization raises is served with the fields that do render, and logged.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from django.utils import translation
from rest_framework.fields import SkipField

from django_clerk.mapping.serializers import ClerkSerializer
from django_clerk.mapping.values import clerk_value

logger = logging.getLogger("django_clerk.feeds")


@lru_cache(maxsize=64)
def unvalidated(serializer: type[ClerkSerializer]) -> type[ClerkSerializer]:
    """``serializer`` without the validation that raises on the first broken object."""
    return type(serializer.__name__, (serializer,), {"entity": "", "__module__": __name__})


def render_objects(
    serializer: type[ClerkSerializer], objects: list[Any], store: Any
) -> list[dict[str, Any]]:
    language = store.get_language() if store is not None else None
    instance = unvalidated(serializer)(context={"store": store})
    items = []
    with translation.override(language):
        for obj in objects:
            try:
                items.append(instance.to_representation(obj))
            except Exception:
                items.append(render_safely(instance, obj, serializer.entity, store))
    return items


def render_safely(serializer: ClerkSerializer, obj: Any, entity: str, store: Any) -> dict[str, Any]:
    """Each field on its own: the ones that raise are left out and logged."""
    data: dict[str, Any] = {}
    merged: list[dict[str, Any]] = []
    for field in serializer._clerk_fields:
        try:
            attribute = field.get_attribute(obj)
            if attribute is None and not getattr(field, "merge", False):
                continue
            value = field.to_representation(attribute)
        except SkipField:
            continue
        except Exception as exc:
            logger.warning(
                "%s %r: field %r left out, it raised %s",
                entity,
                getattr(obj, "pk", None),
                field.field_name,
                type(exc).__name__,
            )
            continue
        if getattr(field, "merge", False):
            merged.append(value)
        elif (value := clerk_value(value)) is not None:
            data[field.field_name] = value
    for extra in merged:
        data.update({k: clerk_value(v) for k, v in extra.items() if v is not None})
    if entity == "orders" and not getattr(store, "collect_emails", True):
        data.pop("email", None)
    return data
