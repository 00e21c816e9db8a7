"""Sales tracking on the order confirmation page, from the same mapping as the order feed.

The ``log/sale`` element carries exactly what the order feed sends for the order (ids,
quantities and unit prices of the order's source of ``CLERK["SERIALIZERS"]["orders"]``, with
its id prefix, rendered by the same renderer, e-mail included only for stores that collect
e-mails), so Clerk sees one truth.
"""

from __future__ import annotations

import logging
from typing import Any

from django_clerk.mapping import ClerkDataError, Policy, Renderer, get_serializers, source_of
from django_clerk.storefront.placements import Placement

logger = logging.getLogger("django_clerk.storefront")


def order_data(order: Any, store: Any) -> dict[str, Any] | None:
    """The order as the order feed serializes it for ``store`` (by the source of the orders
    whose model is the order's); ``None`` (logged) when no order serializer is configured
    for it or the order does not serialize."""
    if not get_serializers("orders"):
        logger.warning("Sales tracking needs CLERK['SERIALIZERS']['orders']; nothing rendered")
        return None
    serializer = source_of("orders", order)
    if serializer is None:
        logger.warning(
            "Sales tracking: no source of CLERK['SERIALIZERS']['orders'] holds %s; "
            "nothing rendered",
            type(order).__name__,
        )
        return None
    try:
        return Renderer(serializer, store, policy=Policy.RAISE).render([order]).items[0]
    except ClerkDataError as exc:
        logger.error("Sales tracking of order %s left out: %s", getattr(order, "pk", "?"), exc)
        return None


def sale_params(order: Any, store: Any) -> dict[str, Any] | None:
    """The arguments of ``log/sale`` for ``order`` (sale, products, customer, email), as the
    confirmation page and the server-side sale events send them; ``None`` when it does not
    render."""
    data = order_data(order, store)
    if data is None:
        return None
    return {
        "sale": data["id"],
        "products": data.get("products", []),
        "customer": data.get("customer"),
        # the order feed's rule left it out when the store does not collect e-mails
        "email": data.get("email") or None,
    }


def sale_placement(order: Any, store: Any) -> Placement | None:
    """The ``<span class="clerk" data-api="log/sale" ...>`` of ``order``."""
    params = sale_params(order, store)
    return None if params is None else Placement({"api": "log/sale", **params})
