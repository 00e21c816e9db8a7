"""The example shop with a small catalogue and its default store known to the fake Clerk."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from shop.models import Category, Product

from django_clerk.testing import DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY


@pytest.fixture
def example_shop(make_store: Any, clerk_api: Any, settings: Any) -> dict[str, Any]:
    settings.CLERK = {**settings.CLERK, "TRACKING_JOURNEY": "shop.clerk_journey.journey"}
    store = make_store(
        code="default", public_key=DEFAULT_PUBLIC_KEY, private_key=DEFAULT_PRIVATE_KEY
    )
    cups = Category.objects.create(name="Cups", slug="cups")
    products = []
    for n in range(1, 4):
        product = Product.objects.create(
            name=f"Cup {n}", slug=f"cup-{n}", sku=f"C{n}", price=Decimal("10.00"), stock=5
        )
        product.categories.set([cups])
        products.append(product)
    return {"store": store, "category": cups, "products": products}
