"""The example shop's drawn product pictures and its sandbox switch."""

from __future__ import annotations

from decimal import Decimal

import pytest
from example_project.settings import sandbox_js_url
from shop.models import Product
from shop.placeholders import lines_of


@pytest.mark.django_db
def test_a_products_picture_is_drawn_the_same_every_time(client) -> None:
    Product.objects.create(
        name="Blue <Mug> & Co",
        slug="blue-mug",
        sku="M1",
        price=Decimal("9.95"),
        image="products/7.svg",
    )
    first = client.get("/media/products/7.svg")
    assert first.status_code == 200 and first["Content-Type"] == "image/svg+xml"
    body = first.content.decode()
    assert body.startswith("<svg") and "Blue &lt;Mug&gt; &amp; Co" in body
    assert client.get("/media/products/7.svg").content == first.content
    other = client.get("/media/products/8-red.svg")
    assert other.status_code == 200 and "8 red" in other.content.decode()
    assert other.content != first.content


@pytest.mark.django_db
def test_only_svg_pictures_are_drawn(client) -> None:
    assert client.get("/media/products/7.jpg").status_code == 404
    assert client.post("/media/products/7.svg").status_code == 405


def test_long_names_wrap_into_three_lines_at_most() -> None:
    assert lines_of("Lightweight Organic Rain Jacket") == ["Lightweight", "Organic Rain", "Jacket"]
    assert len(lines_of("a " * 80)) == 3


@pytest.mark.parametrize(
    ("api_url", "expected"),
    [
        ("http://127.0.0.1:8765/v2/", "http://127.0.0.1:8765/_fake/clerk.js"),
        ("http://localhost:9000/v2/", "http://localhost:9000/_fake/clerk.js"),
        ("https://api.clerk.io/v2/", None),
        ("http://clerk.example.com/v2/", None),
    ],
)
def test_the_sandbox_is_on_only_for_a_local_api(api_url: str, expected: str | None) -> None:
    assert sandbox_js_url(api_url) == expected


@pytest.mark.django_db
def test_the_sandbox_banner_shows_only_in_the_sandbox(client, settings) -> None:
    assert b"clerk-sandbox-banner" not in client.get("/").content
    settings.SHOP_SANDBOX_JS_URL = "http://127.0.0.1:8765/_fake/clerk.js"
    page = client.get("/").content.decode()
    assert 'id="clerk-sandbox-banner"' in page and "fake Clerk API" in page
