"""The pages of a UUID-keyed shop through Django's whole request cycle: they answer 200 and
their Clerk tags carry the UUIDs as text; sales tracking is the order feed, line for line."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.storefront.test_tags import calls, clerk_spans
from tests.uuidshop.conftest import KEYS, Catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.uuidshop.urls")]


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_product_page(client: Any, catalogue: Catalogue, clerk_store: Any) -> None:
    product = catalogue.products[4]
    html = page(client, f"/p/{product.pk}/")
    config, context = calls(html)
    assert config[0] == "config" and config[1]["key"] == "default-public"
    assert context == ["context", {"product": str(product.pk)}]
    spans = clerk_spans(html)
    assert len(spans) == 6  # 2 product page, 1 bundle, 3 powerstep placements
    assert all(json.loads(s["data-products"]) == [str(product.pk)] for s in spans)
    assert uuid.UUID(json.loads(spans[0]["data-products"])[0]) == product.pk


def test_category_page(client: Any, catalogue: Catalogue, clerk_store: Any) -> None:
    category = catalogue.categories[1]
    html = page(client, f"/c/{category.pk}/")
    assert calls(html)[1] == ["context", {"category": str(category.pk)}]
    (span,) = clerk_spans(html)
    assert span["data-category"] == str(category.pk)


def test_order_confirmation_tracks_what_the_order_feed_serves(
    client: Any, catalogue: Catalogue, clerk_store: Any, settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING": {"sales": "browser"}}  # the element
    order = catalogue.orders[1]
    html = page(client, f"/orders/{order.pk}/")
    sale, cart_placement = clerk_spans(html)
    response = client.get("/clerk/order", {**KEYS, "limit": 100})
    assert response.status_code == 200, response.content
    feed = response.json()
    (served,) = [item for item in feed if item["id"] == str(order.pk)]
    assert sale["data-api"] == "log/sale" and sale["data-sale"] == served["id"]
    assert json.loads(sale["data-products"]) == served["products"]
    assert len(served["products"]) == 3
    assert sale["data-customer"] == served["customer"] == str(order.customer_id)
    assert sale["data-email"] == served["email"]
    cart_ids = [line["id"] for line in served["products"]]
    assert calls(html)[1] == ["cart", "set", cart_ids]
    assert json.loads(cart_placement["data-products"]) == cart_ids


def test_an_unknown_uuid_is_a_404_not_a_500(client: Any, clerk_store: Any) -> None:
    assert client.get(f"/p/{uuid.uuid4()}/").status_code == 404
