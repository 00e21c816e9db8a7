"""The market shop's pages through Django's whole request cycle: the sales tracking tag sends
what the order feed serves (prices from cents), the product page's context its UUID."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.marketshop.conftest import KEYS, Catalogue
from tests.storefront.test_tags import calls, clerk_spans

pytestmark = pytest.mark.django_db


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


@pytest.mark.parametrize("number", [0, 1, 2])
def test_order_confirmation_tracks_what_the_order_feed_serves(
    client: Any, catalogue: Catalogue, clerk_store: Any, number: int, settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING": {"sales": "browser"}}  # the element
    order = catalogue.orders[number]
    html = page(client, f"/orders/{order.pk}/")
    (sale,) = clerk_spans(html)
    response = client.get("/clerk/order", {**KEYS, "limit": 100})
    assert response.status_code == 200, response.content
    (served,) = [item for item in response.json() if item["id"] == str(order.pk)]
    assert sale["data-api"] == "log/sale" and sale["data-sale"] == served["id"]
    assert json.loads(sale["data-products"]) == served["products"]
    assert [line["price"] for line in served["products"]] == [
        line.unit_price_cents / 100 for line in order.lines.order_by("quantity")
    ]
    assert sale.get("data-customer") == served.get("customer")
    assert sale["data-email"] == served["email"]


def test_product_page_context(client: Any, catalogue: Catalogue, clerk_store: Any) -> None:
    product = catalogue.products[4]
    html = page(client, f"/p/{product.slug}/")
    assert calls(html)[1] == ["context", {"product": str(product.pk)}]
