"""after_add_to_cart(): the powerstep page, JSON for Clerk's designs, or the shop's page."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import RequestFactory
from shop.models import Product

from django_clerk.models import StorefrontSettings
from django_clerk.storefront.cart import after_add_to_cart

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(db: Any) -> Product:
    return Product.objects.create(name="Mug", slug="mug", sku="M", price=Decimal(1), stock=1)


def test_powerstep_page_when_the_store_shows_it(make_store, product, settings):
    store = make_store(code="default")
    settings.CLERK = {**settings.CLERK, "POWERSTEP_URL": "shop:added"}
    request = RequestFactory().post("/cart/add/1/")
    response = after_add_to_cart(request, product, "/cart/")
    assert response.status_code == 302
    assert response["Location"] == f"/cart/added/?product={product.pk}"
    StorefrontSettings.objects.create(store=store, powerstep_type="popup")
    response = after_add_to_cart(RequestFactory().post("/"), product, "/cart/")
    assert response["Location"] == "/cart/"


def test_json_for_a_request_from_a_design(make_store, product, settings):
    make_store(code="default")
    settings.CLERK = {**settings.CLERK, "POWERSTEP_URL": "/added/"}
    request = RequestFactory().post("/", HTTP_ACCEPT="application/json")
    response = after_add_to_cart(request, product, "/cart/")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "added": True,
        "product": product.pk,
        "redirect": f"/added/?product={product.pk}",
    }


def test_no_powerstep_url_goes_to_the_default(make_store, product):
    make_store(code="default")
    response = after_add_to_cart(RequestFactory().post("/"), product, "/cart/")
    assert response["Location"] == "/cart/"
