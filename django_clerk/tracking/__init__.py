"""Server-side tracking: sales, baskets, product views, clicks and returns sent to Clerk
through the outbox (see :mod:`django_clerk.tracking.api`)."""

from django_clerk.tracking.api import (
    track_basket,
    track_click,
    track_product_view,
    track_return,
    track_sale,
)
from django_clerk.tracking.recording import events_together

__all__ = [
    "events_together",
    "track_basket",
    "track_click",
    "track_product_view",
    "track_return",
    "track_sale",
]
