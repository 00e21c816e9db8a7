"""Add-to-cart from Clerk's designs: pages carry no CSRF token (no cookie, cacheable); the
token comes from ``clerk/csrf/`` when a visitor adds to cart."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import Client
from shop.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def add_to_cart(settings: Any, make_store: Any) -> None:
    settings.CLERK = {**settings.CLERK, "ADD_TO_CART_URL": "/cart/add/{id}/"}
    make_store(code="default", public_key="pub")


def test_a_page_with_clerk_js_sets_no_cookie_for_add_to_cart(client: Any, add_to_cart: None):
    response = client.get("/")
    assert response.status_code == 200 and b'"add_to_cart_url"' in response.content
    assert b'"csrf_url"' in response.content
    assert "csrftoken" not in response.cookies  # an anonymous page a shared cache can keep
    assert b"csrf_token" not in response.content


def test_the_csrf_endpoint_answers_a_token_never_cached(client: Any, add_to_cart: None):
    response = client.get("/clerk/csrf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert len(body["csrf_token"]) == 64 and body["csrf_header"] == "X-CSRFToken"
    assert body["csrf_field"] == "csrfmiddlewaretoken"
    assert "csrftoken" in response.cookies
    assert response["Cache-Control"] == "private, no-store"
    refused = client.post("/clerk/csrf/")
    assert refused.status_code == 405 and refused["Allow"] == "GET, HEAD"
    assert refused.json()["error"]["code"] == 405
    assert "django_clerk.W041" not in [m.id for m in run_checks()]  # the app's URLs are in


def test_the_token_lets_a_design_add_to_cart(add_to_cart: None):
    product = Product.objects.create(
        name="Mug", slug="mug", sku="M", price=Decimal("9.50"), stock=3
    )
    browser = Client(enforce_csrf_checks=True)
    url = f"/cart/add/{product.pk}/"
    json_only = {"HTTP_ACCEPT": "application/json"}
    assert browser.post(url, {"quantity": "1"}, **json_only).status_code == 403
    token = browser.get("/clerk/csrf/").json()["csrf_token"]
    added = browser.post(url, {"quantity": "1"}, HTTP_X_CSRFTOKEN=token, **json_only)
    assert added.status_code == 302 and added["Location"] == "/cart/added/"
    assert browser.get("/cart/").context["cart"].count == 1


@pytest.mark.urls("shop.urls")  # the shop's own URLs alone: the app's are not included
def test_add_to_cart_without_the_apps_urls_is_a_warning(settings: Any):
    settings.CLERK = {**settings.CLERK, "ADD_TO_CART_URL": "/cart/add/{id}/"}
    assert "django_clerk.W041" in [m.id for m in run_checks()]
    settings.CLERK = {**settings.CLERK, "ADD_TO_CART_URL": ""}
    assert "django_clerk.W041" not in [m.id for m in run_checks()]
