from __future__ import annotations

from django.http import HttpRequest

from shop.cart import Cart


def cart(request: HttpRequest) -> dict[str, Cart]:
    """``cart`` in every template. Lazy: prices are only queried when lines are read."""
    if not hasattr(request, "session"):
        return {}
    return {"cart": Cart(request)}
