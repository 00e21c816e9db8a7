"""``manage.py clerk_check_data`` on a UUID-keyed shop: every entity checked, problems named
by the object's UUID."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.uuidshop.conftest import Catalogue
from tests.uuidshop.models import Product

pytestmark = pytest.mark.django_db


def test_a_healthy_shop_passes_for_every_entity(catalogue: Catalogue, clerk_store: Any) -> None:
    out = StringIO()
    call_command("clerk_check_data", stdout=out)
    lines = out.getvalue().splitlines()
    counts = {
        "products": len(catalogue.products),
        "categories": len(catalogue.categories),
        "orders": len(catalogue.orders),
        "customers": len(catalogue.customers),
        "pages": len(catalogue.pages),
    }
    assert lines == [
        f"default/{entity}: {count} objects, all valid" for entity, count in counts.items()
    ]


def test_broken_objects_are_named_by_their_uuid(catalogue: Catalogue, clerk_store: Any) -> None:
    broken = catalogue.products[3:5]
    Product.objects.filter(pk__in=[p.pk for p in broken]).update(image="")
    out = StringIO()
    with pytest.raises(CommandError, match="2 objects break Clerk's data rules") as caught:
        call_command("clerk_check_data", "--entity", "products", stdout=out)
    assert caught.value.returncode == 1
    text = out.getvalue()
    total = len(catalogue.products)
    assert f"default/products: 2 of {total} objects break Clerk's rules; fields: image (2)" in text
    for product in broken:
        assert f"products '{product.pk}': field 'image' is mandatory but missing" in text
