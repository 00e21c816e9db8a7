from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from shop.cart import Cart


def cart(request: HttpRequest) -> dict[str, Cart]:
    """``cart`` in every template. Lazy: prices are only queried when lines are read."""
    if not hasattr(request, "session"):
        return {}
    return {"cart": Cart(request)}


def sandbox(request: HttpRequest) -> dict[str, Any]:
    """``sandbox_js_url``: set when the shop talks to the local fake Clerk API."""
    return {"sandbox_js_url": getattr(settings, "SHOP_SANDBOX_JS_URL", None)}
