"""Tracking bugs seeded into the example shop, for the validator to find.

* ``TEMPLATES_DIR``: templates placed before the shop's own: the product page shows a
  placement of a product id that is in no feed (999999) and the order confirmation renders
  its ``log/sale`` tag twice;
* :class:`ServerSaleMiddleware`: the server logs each sale itself as the confirmation page
  is shown, while the page's tag logs it from the browser as well;
* ``UNCONFIRMED_DIR``: the confirmation page's ``log/sale`` call without its success
  callback, so the server never hears that Clerk.js logged the sale and sends its own copy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from shop.models import Order

from django_clerk.client import ClerkClient
from django_clerk.storefront.tracking import order_data
from django_clerk.stores import store_for_request

TEMPLATES_DIR = Path(__file__).parent / "templates" / "seeded"
UNCONFIRMED_DIR = Path(__file__).parent / "templates" / "unconfirmed"
UNKNOWN_PRODUCT = 999999


def with_templates(settings: Any, directory: Path) -> None:
    """Put ``directory`` before the templates of the project."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {**engine, "DIRS": [str(directory), *engine.get("DIRS", [])]},
        *settings.TEMPLATES[1:],
    ]


class ServerSaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "order_confirmation":
            store = store_for_request(request)
            order = Order.objects.get(pk=match.kwargs["pk"])
            data = order_data(order, store)
            assert store is not None and data is not None
            with ClerkClient.for_store(store) as client:
                client.log_sale(data["id"], data["products"])
        return response
