"""Server-side behaviour events: what a shop calls where things happen.

Each function records one row in the outbox (in the caller's transaction) and returns at
once; the delivery sends it to Clerk after the commit, retrying for as long as Clerk fails for
a transient reason. Each does nothing (and returns ``False``) when ``CLERK["TRACKING"]``
leaves its kind to the browser, or the store has no public key.

The visitor is the request's Clerk visitor (:func:`~django_clerk.client.visitor.get_visitor_id`):
the session's id once the visitor consented to tracking; without consent an id of this
request only, stored nowhere, so no event links one visit to another.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.http import HttpRequest

from django_clerk.client.visitor import get_visitor_id, tracking_allowed
from django_clerk.conf import clerk_settings
from django_clerk.mapping.registry import clerk_ids, instance_clerk_id
from django_clerk.models import Store
from django_clerk.models.sync import BASKET, CLICK, PRODUCT_VIEW, RETURN, SALE
from django_clerk.storefront.context import customer_email
from django_clerk.storefront.escaping import plain
from django_clerk.storefront.placements import product_list
from django_clerk.stores import store_for_request
from django_clerk.tracking.modes import from_browser, from_server
from django_clerk.tracking.recording import record_event


def event_store(request: HttpRequest | None, store: Store | None = None) -> Store | None:
    """The store an event goes to: ``store``, else the request's (the default store without
    a request); ``None`` when it has no public key."""
    found = store if store is not None else store_for_request(request)
    return found if found is not None and found.public_key_in_force else None


def server_target(kind: str, request: HttpRequest | None, store: Store | None) -> Store | None:
    """The store an event of ``kind`` goes to from the server (see :func:`event_store`);
    ``None`` when ``CLERK["TRACKING"]`` leaves ``kind`` to the browser, or it has no key."""
    return event_store(request, store) if from_server(kind) else None


def visitor_of(request: HttpRequest | None) -> str | None:
    return get_visitor_id(request) if request is not None else None


def sale_id(order: models.Model) -> str:
    """The id Clerk knows ``order``'s sale by (as text): its outbox row's object id."""
    return str(instance_clerk_id(order, "orders"))


def track_sale(
    order: models.Model, request: HttpRequest | None = None, *, store: Store | None = None
) -> bool:
    """``log/sale`` of ``order``, rendered at delivery by the order feed's serializer.

    Call it where the order is created, in its transaction. One event per order: calling it
    again replaces the pending one. With ``"sales": "both"`` it waits
    ``TRACKING_SALE_GRACE_SECONDS`` and is dropped when the confirmation page reports that
    Clerk.js logged the sale."""
    target = server_target("sales", request, store)
    if target is None:
        return False
    payload = {
        "order": [order._meta.label_lower, str(order.pk)],
        "visitor": visitor_of(request),
    }
    delay = float(clerk_settings.TRACKING_SALE_GRACE_SECONDS) if from_browser("sales") else 0.0
    return record_event(target, SALE, sale_id(order), payload, delay=delay)


def track_basket(request: HttpRequest, products: Any, *, store: Store | None = None) -> bool:
    """``log/basket/set``: the products (or ids) now in the basket, after each change.

    Sent for a logged-in customer (with their e-mail where the store collects e-mails) and
    for a visitor who consented to tracking; the latest basket of each wins. An anonymous
    visitor without consent has no visitor id that lasts: nothing is recorded."""
    target = server_target("baskets", request, store)
    if target is None:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        key = f"user:{user.pk}"
    elif tracking_allowed(request):
        key = f"visitor:{get_visitor_id(request)}"
    else:
        return False
    payload = {
        "products": [clerk_ids(p, "products") for p in product_list(products) if p is not None],
        "visitor": visitor_of(request),
        "email": customer_email(target, request) or None,
    }
    return record_event(target, BASKET, key, payload)


def track_product_view(
    request: HttpRequest | None, product: Any, *, store: Store | None = None
) -> bool:
    """``log/product``: the visitor viewed ``product`` (a product or its id)."""
    target = server_target("product_views", request, store)
    if target is None:
        return False
    payload = {"product": clerk_ids(product, "products"), "visitor": visitor_of(request)}
    return record_event(target, PRODUCT_VIEW, uuid.uuid4().hex, payload)


def track_click(
    request: HttpRequest | None,
    product: Any,
    api: str,
    *,
    labels: list[str] | None = None,
    store: Store | None = None,
    key: str | None = None,
) -> bool:
    """``log/click``: the visitor clicked ``product`` in results of ``api`` (e.g.
    ``recommendations/popular``) shown under ``labels``. ``key`` names the click: clicks
    recorded under one key are sent once (by default each call is a click of its own)."""
    target = server_target("clicks", request, store)
    if target is None:
        return False
    payload = {
        "product": clerk_ids(product, "products"),
        "api": str(api),
        "labels": plain(labels) or None,
        "visitor": visitor_of(request),
    }
    return record_event(target, CLICK, key or uuid.uuid4().hex, payload)


def track_return(
    order: Any, product: Any, quantity: Any, *, key: str, store: Store | None = None
) -> bool:
    """``log/returned``: ``quantity`` of ``product`` of the sale ``order`` came back. ``key``
    names the return (one event per key). Goes to ``store``, else the default store."""
    target = server_target("returns", None, store)
    if target is None:
        return False
    payload = {
        "order": clerk_ids(order, "orders"),
        "product": clerk_ids(product, "products"),
        "quantity": int(quantity),
    }
    return record_event(target, RETURN, key, payload)
