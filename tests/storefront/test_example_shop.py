"""The example shop's pages use every tag; its server-side "Popular right now" block."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from shop.models import Category, Product

from django_clerk.testing.fake_api import DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    category = Category.objects.create(name="Cups", slug="cups")
    made = []
    for n in range(1, 5):
        product = Product.objects.create(
            name=f"Cup {n}", slug=f"cup-{n}", sku=f"C{n}", price=Decimal("10.00"), stock=5
        )
        product.categories.set([category])
        made.append(product)
    return made


@pytest.fixture
def clerk_store(make_store, clerk_api):
    return make_store(
        code="default", public_key=DEFAULT_PUBLIC_KEY, private_key=DEFAULT_PRIVATE_KEY
    )


def popular_section(html: str) -> str:
    start = html.find('id="popular-now"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_home_shows_clerks_popular_products_in_clerks_order(
    client, clerk_store, clerk_api, products
):
    Product.objects.filter(pk=products[0].pk).update(name="Zebra cup")  # last by name
    clerk_api.set_products([{"id": products[2].pk}, {"id": products[0].pk}, {"id": 999999}])
    html = client.get("/").content.decode()
    section = popular_section(html)
    assert "Popular right now" in section
    assert section.index("Zebra cup") < section.index("Cup 3")  # the fake's order: by id
    assert "Cup 2" not in section and "Cup 4" not in section
    (call,) = clerk_api.calls(path="recommendations/popular")
    assert call.params["key"] == DEFAULT_PUBLIC_KEY and call.params["limit"] == 8
    assert "private_key" not in call.params


def test_popular_products_are_cached(client, clerk_store, clerk_api, products):
    clerk_api.set_products([{"id": products[0].pk}])
    client.get("/")
    client.get("/")
    assert clerk_api.count("recommendations/popular") == 1


def test_clerk_errors_show_nothing_and_are_not_retried_per_request(
    client, clerk_store, clerk_api, products
):
    clerk_api.set_products([{"id": products[0].pk}])
    clerk_api.fail_next(5, status=503)
    response = client.get("/")
    assert response.status_code == 200
    assert popular_section(response.content.decode()) == ""
    assert clerk_api.count("recommendations/popular") == 1  # no retries on a page view
    client.get("/")
    assert clerk_api.count("recommendations/popular") == 1  # the failure is cached briefly


def test_no_clerk_call_without_a_public_key(client, make_store, clerk_api, products):
    make_store(code="default", public_key="")
    html = client.get("/").content.decode()
    assert clerk_api.count() == 0 and "Popular right now" not in html
    assert "Clerk(" not in html and "data-template" not in html


def test_every_page_renders_its_tags(client, clerk_store, products):
    product = products[0]
    pages = {
        "/": ["@home-page-popular", "@home-page-trending", "@live-search", "@exit-intent"],
        product.get_absolute_url(): ["@product-page-alternatives", 'Clerk("context"'],
        reverse("shop:category", args=["cups"]): ["@category-page-popular"],
        reverse("shop:search") + "?q=cup": ["@search-page", 'data-query="cup"'],
    }
    for url, needles in pages.items():
        html = client.get(url).content.decode()
        assert 'Clerk("config"' in html, url
        for needle in needles:
            assert needle in html, (url, needle)
    client.post(reverse("shop:cart_add", args=[product.pk]), {"quantity": 2})
    added = client.get(reverse("shop:added")).content.decode()
    assert "@power-step-others-also-bought" in added
    assert f'Clerk("cart", "set", [{product.pk}]);' in added
    cart = client.get(reverse("shop:cart")).content.decode()
    assert "@cart-others-also-bought" in cart


def test_search_falls_back_to_the_shops_own_search_without_clerk(client, make_store, products):
    make_store(code="default", public_key="")
    html = client.get(reverse("shop:search") + "?q=cup").content.decode()
    assert "4 products found" in html and "clerk-search" not in html
