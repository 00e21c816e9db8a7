"""A server-side Clerk.io recommendation block: "Popular right now" on the home page.

Built with Clerk's API client (the store's public key only) rather than Clerk.js, as a shop with
custom business logic would (B2B prices, apps): Clerk returns product ids, the shop renders
its own products. Clerk being slow or down must never break the page, so the call gets a
short timeout and no retries, errors show nothing, and the ids are cached briefly (a
failure for a shorter time, so a broken Clerk is not asked on every request).

The call carries the visitor (``with_visitor(request)``: the session's id after tracking
consent, else one for this request) and the label the block is shown under in my.clerk.io,
so that Clerk can attribute clicks and sales to it.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.http import HttpRequest

from django_clerk.client import ClerkClient, ClerkError
from django_clerk.stores import store_for_request
from shop.models import Product

logger = logging.getLogger(__name__)

POPULAR_LIMIT = 8
CACHE_SECONDS = 300
FAILURE_CACHE_SECONDS = 30
TIMEOUT = 2.0
LABEL = "Home page - Popular right now"


def popular_ids(request: HttpRequest, limit: int = POPULAR_LIMIT) -> list:
    """Ids of the store's popular products, from Clerk (cached per store)."""
    store = store_for_request(request)
    public_key = store.public_key_in_force if store is not None else ""
    if store is None or not public_key:
        return []
    key = f"shop:clerk-popular:{store.pk}:{limit}"
    ids = cache.get(key)
    if ids is not None:
        return ids
    client = ClerkClient(public_key, timeout=TIMEOUT, retries=0)
    try:
        ids = client.with_visitor(request).popular(limit=limit, labels=[LABEL]).result
    except ClerkError as exc:
        logger.warning("Clerk.io popular products unavailable: %s", exc)
        cache.set(key, [], FAILURE_CACHE_SECONDS)
        return []
    finally:
        client.close()
    cache.set(key, ids, CACHE_SECONDS)
    return ids


def popular_products(request: HttpRequest, limit: int = POPULAR_LIMIT) -> list[Product]:
    """The popular products in Clerk's order; ids the shop no longer sells are skipped."""
    ids = popular_ids(request, limit)
    if not ids:
        return []
    found = Product.objects.published().select_related("brand").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
