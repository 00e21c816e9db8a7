"""A store the fake Clerk knows, and products the fake searches."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from shop.models import Category, Product

from django_clerk.testing import DEFAULT_PUBLIC_KEY


@pytest.fixture
def shop_store(make_store: Any, clerk_api: Any) -> Any:
    return make_store(code="default", public_key=DEFAULT_PUBLIC_KEY, private_key="")


@pytest.fixture
def boots(db: Any, clerk_api: Any) -> list[Product]:
    """Five boots whose names sort the other way round from their ids, known to the fake."""
    shoes = Category.objects.create(name="Shoes", slug="shoes")
    products = []
    for n, name in enumerate(["Zeta boot", "Yak boot", "Xeno boot", "Wool boot", "Vega boot"]):
        product = Product.objects.create(
            name=name, slug=f"boot-{n}", sku=f"B{n}", price=Decimal("10") + n, stock=5
        )
        product.categories.add(shoes)
        products.append(product)
    known = [
        {"id": p.pk, "name": p.name, "price": float(p.price), "categories": [shoes.pk]}
        for p in products
    ]
    clerk_api.set_products(known)
    return products
