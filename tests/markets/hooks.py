"""The market shop's price hooks: ``CLERK["CUSTOMER_GROUP"]`` and
``CLERK["INDIVIDUAL_PRICES"]``, as a shop writes them."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest

from django_clerk.mapping.currency import money_for
from tests.marketshop.models import NegotiatedPrice

calls: list[tuple[Any, list[str]]] = []


def customer_group(request: HttpRequest) -> str | None:
    """The name of the customer's first Django group (``trade``, ``vip``), if any."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    names: list[str] = [group.name for group in user.groups.all()]
    return names[0] if names else None


def individual_prices(user: Any, ids: list[str], store: Any) -> dict[str, float]:
    """The user's negotiated prices of ``ids`` (one query), in the store's currency."""
    calls.append((user.pk, list(ids)))
    keys = []
    for value in ids:
        try:
            keys.append(uuid.UUID(value))
        except ValueError:
            continue  # not one of this shop's product ids
    money = money_for(store)
    found = NegotiatedPrice.objects.filter(user=user, product_id__in=keys)
    return {
        str(product): money.amount(cents, 100)
        for product, cents in found.values_list("product_id", "price_cents")
    }


def everyones_prices(user: Any, ids: list[str], store: Any) -> dict[str, float]:
    """A careless hook that answers more than was asked for."""
    return {
        str(p): c / 100 for p, c in NegotiatedPrice.objects.values_list("product", "price_cents")
    }


def junk_prices(user: Any, ids: list[str], store: Any) -> Any:
    """A broken hook: what it answers is not ``{id: price}``."""
    return JUNK.pop(0)


JUNK: list[Any] = []
