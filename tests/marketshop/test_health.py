"""``manage.py clerk_check_data`` on the market shop: every entity and both page sources
checked, in both stores; problems named by the object's id."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.marketshop.conftest import Catalogue
from tests.marketshop.models import ProductTranslation

pytestmark = pytest.mark.django_db


def test_a_healthy_shop_passes_for_every_entity_in_both_stores(
    catalogue: Catalogue, clerk_store: Any, danish_store: Any
) -> None:
    out = StringIO()
    call_command("clerk_check_data", stdout=out)
    counts = {
        "products": len(catalogue.products),
        "categories": len(catalogue.categories),
        "orders": len(catalogue.orders),
        "customers": len(catalogue.customers),
        "pages": len(catalogue.articles) + len(catalogue.posts),
    }
    expected = [
        f"{store}/{entity}: {count} objects, all valid"
        for store in ("default", "dk")
        for entity, count in counts.items()
    ]
    assert sorted(out.getvalue().splitlines()) == sorted(expected)


def test_a_product_without_a_name_in_any_language_is_named_by_its_id(
    catalogue: Catalogue, clerk_store: Any
) -> None:
    broken = catalogue.products[1]  # English only: no text left at all
    ProductTranslation.objects.filter(product=broken).update(name="")
    out = StringIO()
    with pytest.raises(CommandError, match="1 objects break Clerk's data rules"):
        call_command("clerk_check_data", "--entity", "products", stdout=out)
    text = out.getvalue()
    assert f"products '{broken.pk}': field 'name' is mandatory but missing" in text
