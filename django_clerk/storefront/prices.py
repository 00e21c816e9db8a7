"""What Clerk.js learns about prices on the storefront: the store's currency, the visitor's
customer group (``CLERK["CUSTOMER_GROUP"]``) as Clerk's ``price_context``, and the exchange
rates of the currency formatters.

``Clerk('config', {...})`` gets ``globals.currency_iso`` (the store's currency),
``globals.customer_group_id`` and ``price_context: {"qualifiers": {"customer_group_id": g}}``
for a visitor in a group. Designs show ``customer_group_price_<g>`` from it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest

from django_clerk.conf import clerk_settings, named_callable
from django_clerk.mapping.currency import minor_units, read_rates
from django_clerk.mapping.prices import group_key

#: Where the visitor's customer group is kept on the request once asked.
REQUEST_ATTRIBUTE = "_clerk_customer_group"


logger = logging.getLogger("django_clerk.storefront")


def hook(name: str) -> Callable[..., Any] | None:
    """The callable a ``CLERK`` setting names (``None``: unset, or not callable: check E054)."""
    try:
        return named_callable(getattr(clerk_settings, name))
    except (ImportError, TypeError):  # reported by check E054; never a broken page
        return None


def customer_group(request: HttpRequest | None) -> str | None:
    """The visitor's customer group as ``CLERK["CUSTOMER_GROUP"]`` answers (asked once per
    request), in the form of the ``customer_group_price_<group>`` attributes; ``None`` for
    no group, no request or no hook."""
    if request is None:
        return None
    if hasattr(request, REQUEST_ATTRIBUTE):
        remembered: str | None = getattr(request, REQUEST_ATTRIBUTE)
        return remembered
    find = hook("CUSTOMER_GROUP")
    try:
        found = find(request) if find is not None else None
    except Exception:  # the shop's hook failed: the page shows the public prices
        logger.exception("CLERK['CUSTOMER_GROUP'] failed: no customer group for this request")
        found = None
    group = None if found is None or found == "" else group_key(found)
    setattr(request, REQUEST_ATTRIBUTE, group)
    return group


def price_globals(store: Any, request: HttpRequest | None) -> dict[str, Any]:
    """The ``globals`` of ``Clerk('config')`` about prices: currency and customer group."""
    values: dict[str, Any] = {}
    currency = store.get_currency() if store is not None else ""
    if currency:
        values["currency_iso"] = currency
    group = customer_group(request)
    if group is not None:
        values["customer_group_id"] = group
    return values


def price_context(request: HttpRequest | None) -> dict[str, Any] | None:
    """Clerk's ``price_context`` for a visitor in a customer group, else ``None``."""
    group = customer_group(request)
    return None if group is None else {"qualifiers": {"customer_group_id": group}}


def formatter_rates(store: Any, shown: str) -> dict[str, Any] | None:
    """What the currency formatters need to show the store's prices in ``shown``: the
    factor from the store's currency, the places of ``shown``; ``None`` when there is no
    rate for one of them."""
    source = store.get_currency() if store is not None else ""
    shown = shown.upper()
    if not source or not shown:
        return None
    try:
        rates = read_rates()
    except Exception:
        return None
    base = str(clerk_settings.BASE_CURRENCY or "").upper()
    source_rate = Decimal(1) if source == base else rates.get(source)
    shown_rate = Decimal(1) if shown == base else rates.get(shown)
    if source_rate is None or shown_rate is None:
        return None
    return {
        "from": source,
        "to": shown,
        "factor": float(shown_rate / source_rate),
        "places": minor_units(shown),
    }
