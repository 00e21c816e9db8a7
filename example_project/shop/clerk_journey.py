"""The shop's tracking journey, walked by ``manage.py clerk_validate_tracking``
(``CLERK["TRACKING_JOURNEY"]``): a product, its category, a search, add to cart, the cart,
checkout and the order confirmation."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from django_clerk.testing.validator import Journey, JourneyError, Post, Visit
from shop.models import Product

CHECKOUT = {"email": "ci@example.com", "first_name": "C", "last_name": "I", "zip_code": "1000"}


def journey() -> Journey:
    product = (
        Product.objects.published()
        .in_stock()
        .filter(categories__isnull=False, variants__isnull=True)
        .order_by("pk")
        .first()
    )
    if product is None:
        raise JourneyError("The shop has no published product in stock with a category")
    category = product.categories.order_by("pk").first()
    query = product.name.split()[0]
    return Journey(
        [
            Visit("product", product.get_absolute_url()),
            Visit("category", category.get_absolute_url()),
            Visit("search", f"{reverse('shop:search')}?{urlencode({'q': query})}"),
            Post("add to cart", reverse("shop:cart_add", args=[product.pk]), {"quantity": 1}),
            Visit("cart", reverse("shop:cart")),
            Post("checkout", reverse("shop:checkout"), CHECKOUT),
        ]
    )
