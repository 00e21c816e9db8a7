"""Oscar's basket and checkout signals, kept for the storefront's next page.

- ``basket_addition`` (Oscar's add-to-basket view): the product Clerk knows (a child's
  parent) is kept in the session; the next page's ``{% clerk_oscar_tracking %}`` shows the
  powerstep for it once.
- ``post_checkout`` (sent with the request right after Oscar's ``order_placed``): the order
  is kept in the session; the thank-you page's tracking sends Clerk's ``log/sale`` for it
  once, from the order mapping (same ids, quantities and unit prices as the order feed).
  The sale is also recorded for the server to send (:func:`~django_clerk.tracking.track_sale`),
  once per order whichever side sends it (``CLERK["TRACKING"]["sales"]``).

The cart itself (``Clerk('cart', 'set', [...])``) is read from ``request.basket`` on every
page, so it is right whatever changed the basket.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from oscar.core.loading import get_class

from django_clerk.tracking import track_sale

basket_addition = get_class("basket.signals", "basket_addition")
post_checkout = get_class("checkout.signals", "post_checkout")

ADDED_KEY = "clerk_oscar_added_product"
SALE_KEY = "clerk_oscar_placed_order"


def clerk_product_pk(product: Any) -> Any:
    """The id of the product Clerk knows for ``product`` (a child's parent), as it can be kept
    in a session (JSON): an int stays an int, any other key (a UUID) is its text."""
    return json_key(getattr(product, "parent_id", None) or product.pk)


def json_key(key: Any) -> Any:
    """``key`` as a session (JSON) keeps it: an int stays an int, a UUID becomes its text."""
    return key if isinstance(key, int) else str(key)


def product_added(sender: Any, product: Any, request: Any = None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and product is not None:
        session[ADDED_KEY] = clerk_product_pk(product)


def checkout_finished(sender: Any, order: Any, request: Any = None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and order is not None:
        session[SALE_KEY] = json_key(order.pk)
    if order is not None:  # and from the server, as CLERK["TRACKING"]["sales"] says
        track_sale(order, request if isinstance(request, HttpRequest) else None)


def connect() -> None:
    uid = "django_clerk.contrib.oscar.storefront"
    basket_addition.connect(product_added, dispatch_uid=f"{uid}.basket_addition")
    post_checkout.connect(checkout_finished, dispatch_uid=f"{uid}.post_checkout")
