"""The preset's serializers, filled into ``CLERK["SERIALIZERS"]`` for the entities the shop
does not map itself: the shop's own entries always win, and an entity set to ``None`` (or
``[]``) stays unmapped."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings

PRESET = "django_clerk.contrib.oscar"

SERIALIZERS: dict[str, str] = {
    "products": f"{PRESET}.products.ProductSerializer",
    "categories": f"{PRESET}.categories.CategorySerializer",
    "orders": f"{PRESET}.orders.OrderSerializer",
    "customers": f"{PRESET}.customers.CustomerSerializer",
    "pages": f"{PRESET}.pages.PageSerializer",
}
"""The preset's serializer of each entity (pages only with ``django.contrib.flatpages``)."""


def preset_serializers() -> dict[str, str]:
    """:data:`SERIALIZERS` less what the installed apps cannot serve."""
    found = dict(SERIALIZERS)
    if not apps.is_installed("django.contrib.flatpages"):
        del found["pages"]
    return found


def with_defaults(clerk: Any) -> Any:
    """``clerk`` (a ``CLERK`` setting) with the preset's serializers for the entities it
    leaves out; ``clerk`` itself when nothing is missing or it is malformed (the system
    checks report that)."""
    if clerk is None:
        clerk = {}
    if not isinstance(clerk, dict):
        return clerk
    own = clerk.get("SERIALIZERS")
    if own is None:
        own = {}
    if not isinstance(own, dict):
        return clerk
    merged = {**preset_serializers(), **own}
    if merged == own:
        return clerk
    return {**clerk, "SERIALIZERS": merged}


def install() -> bool:
    """Fill the preset's serializers into ``settings.CLERK``; whether anything changed."""
    current = getattr(settings, "CLERK", None)
    updated = with_defaults(current)
    if updated is current:
        return False
    settings.CLERK = updated
    return True
