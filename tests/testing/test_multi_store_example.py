"""Two Clerk stores, English and Danish, synced to one fake Clerk API."""

from decimal import Decimal

import pytest
import requests
from django.core.management import call_command
from shop.models import Product

from django_clerk.models import Store


@pytest.mark.django_db
def test_each_store_gets_and_answers_from_its_own_catalogue(clerk_api):
    for code in ("en", "da"):
        clerk_api.add_store(f"pub-{code}", f"priv-{code}")
        Store.objects.create(
            code=code,
            name=code,
            language=code,
            public_key=f"pub-{code}",
            private_key=f"priv-{code}",
            base_url="https://shop.example.com/",
        )
    Product.objects.create(
        name="Boots", name_da="Støvler", slug="boots", sku="B1", price=Decimal("99.95"), stock=3
    )

    call_command("clerk_sync", "--store", "en", "--store", "da", "--no-progress")

    english = clerk_api.store_data("pub-en")["products"]
    danish = clerk_api.store_data("pub-da")["products"]
    assert [p["name"] for p in english.values()] == ["Boots"]
    assert [p["name"] for p in danish.values()] == ["Støvler"]
    # Each store answers from its own data, as Clerk does.
    assert Store.objects.get(code="da").client().search("støvler").count == 1
    assert Store.objects.get(code="en").client().search("støvler").count == 0
    # What each store received is also served over HTTP, e.g. to a browser test.
    received = requests.get(clerk_api.origin + "/_fake/stores/pub-da/received", timeout=5)
    assert received.json()["upserted"]["products"][-1]["name"] == "Støvler"
