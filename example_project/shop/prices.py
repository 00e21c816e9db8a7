"""The shop's price hooks for Clerk (settings.CLERK["CUSTOMER_GROUP"] and
["INDIVIDUAL_PRICES"]): a customer's group is their first Django auth group; their own
prices are the negotiated ones, sent in the store's currency."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from django_clerk.mapping.currency import money_for
from shop.models import NegotiatedPrice


def customer_group(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    names = list(user.groups.values_list("name", flat=True)[:1])
    return names[0] if names else None


def individual_prices(user: Any, ids: list[str], store: Any) -> dict[str, float]:
    """The customer's negotiated prices of the products ``ids``: one query."""
    keys = [int(i) for i in ids if i.isdigit()]
    money = money_for(store)
    rows = NegotiatedPrice.objects.filter(user=user, product_id__in=keys)
    return {str(pk): money.amount(price) for pk, price in rows.values_list("product_id", "price")}
