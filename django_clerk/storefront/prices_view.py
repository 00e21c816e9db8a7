"""The individual-prices endpoint: a logged-in customer's own prices for the products Clerk
just rendered (``GET <prefix>/prices/?ids=12,13``), from ``CLERK["INDIVIDUAL_PRICES"]``.

It answers only the customer of the session, for their own prices: the hook is called with
``request.user`` and nothing in the request can name another customer. The answer,
``{"currency": "DKK", "prices": {"12": 99.5}}``, holds only ids that were asked for, rounded
to the store's currency; it is kept in Django's cache for
``CLERK["INDIVIDUAL_PRICES_CACHE_SECONDS"]`` under a key of the store, the customer and the
ids, and marked ``private, no-store`` for browsers and proxies. Every error is JSON.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, JsonResponse

from django_clerk.conf import clerk_settings
from django_clerk.json_errors import error_response
from django_clerk.mapping.currency import money_for
from django_clerk.storefront.prices import hook
from django_clerk.stores import store_for_request

logger = logging.getLogger("django_clerk.storefront")
#: A product id as Clerk sends it back: its primary key or prefixed id, URL-safe text.
PRODUCT_ID = re.compile(r"[A-Za-z0-9._~:-]{1,64}")
CACHE_PREFIX = "django_clerk:prices:"


def error(status: int, message: str) -> JsonResponse:
    response = error_response(status, message)
    response["Cache-Control"] = "private, no-store"
    return response


def requested_ids(request: HttpRequest) -> list[str] | JsonResponse:
    """The ``ids`` parameter (comma-separated, repeatable) without repeats, or a 400."""
    ids: list[str] = []
    for value in request.GET.getlist("ids"):
        ids += [part.strip() for part in value.split(",") if part.strip()]
    ids = list(dict.fromkeys(ids))
    limit = clerk_settings.INDIVIDUAL_PRICES_MAX_IDS
    if not ids:
        return error(400, "Give the product ids: ?ids=12,13.")
    if len(ids) > limit:
        return error(400, f"At most {limit} product ids per request, not {len(ids)}.")
    bad = next((i for i in ids if not PRODUCT_ID.fullmatch(i)), None)
    if bad is not None:
        return error(400, "A product id is letters, digits and ._~:- (at most 64).")
    return ids


def individual_prices(request: HttpRequest) -> JsonResponse:
    """The logged-in customer's prices of the ``ids`` asked for, in the store's currency."""
    if request.method not in ("GET", "HEAD"):
        response = error(405, "Only GET is allowed.")
        response["Allow"] = "GET, HEAD"
        return response
    find = hook("INDIVIDUAL_PRICES")
    if find is None:
        return error(404, "Individual prices are not set up (CLERK['INDIVIDUAL_PRICES']).")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return error(401, "Log in to see your own prices.")
    ids = requested_ids(request)
    if isinstance(ids, JsonResponse):
        return ids
    store = store_for_request(request)
    if store is None:
        return error(404, "No active Clerk store.")
    key = cache_key(store.pk, user.pk, ids)
    body: dict[str, Any] | None = cache.get(key)
    if body is None:
        money = money_for(store, rates={})
        try:
            prices = answered_prices(find(user, ids, store) or {}, set(ids), money)
        except Exception as exc:  # the hook failed, or answered something that is no price
            logger.error("CLERK['INDIVIDUAL_PRICES'] failed: %s", type(exc).__name__)
            return error(503, "Prices cannot be read right now.")
        body = {"currency": money.code or money.base, "prices": prices}
        seconds = clerk_settings.INDIVIDUAL_PRICES_CACHE_SECONDS
        if seconds:
            cache.set(key, body, seconds)
    response = JsonResponse(body)
    response["Cache-Control"] = "private, no-store"
    response["Vary"] = "Cookie"
    return response


def answered_prices(found: Any, wanted: set[str], money: Any) -> dict[str, float]:
    """The hook's ``{id: price}`` for the ids asked for, rounded in the store's currency;
    raises on an answer that is not a mapping of numbers (a price that is not finite too)."""
    prices: dict[str, float] = {}
    for pid, price in dict(found).items():
        if str(pid) not in wanted or price is None:
            continue
        amount = float(price)
        if not math.isfinite(amount):
            raise ValueError("a price is not a finite number")
        prices[str(pid)] = money.round(amount)
    return prices


def cache_key(store: Any, customer: Any, ids: list[str]) -> str:
    digest = hashlib.sha256("\0".join([str(store), str(customer), *sorted(ids)]).encode())
    return CACHE_PREFIX + digest.hexdigest()
