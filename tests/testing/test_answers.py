"""The fake answers recommendations and searches from the data its store received."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from django_clerk.testing import DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY, FakeClerkAPI
from django_clerk.testing.filters import FilterError, parse

KEYS = {"key": DEFAULT_PUBLIC_KEY, "private_key": DEFAULT_PRIVATE_KEY}
CATEGORIES = [
    {"id": 1, "name": "Kitchen", "subcategories": [2]},
    {"id": 2, "name": "Mugs", "parent": 1, "subcategories": []},
    {"id": 3, "name": "Garden", "subcategories": []},
]
PRODUCTS = [
    {"id": 10, "name": "Red mug", "brand": "Acme", "price": 8.0, "categories": [2],
     "created_at": 5},
    {"id": 11, "name": "Blue mug", "brand": "Brio", "price": 9.0, "categories": [2],
     "created_at": 9},
    {"id": 12, "name": "Teapot", "description": "pairs with a mug", "brand": "Acme",
     "price": 30.0, "categories": [1], "created_at": 7},
    {"id": 13, "name": "Spade", "brand": "Brio", "price": 20.0, "categories": [3], "created_at": 1},
    {"id": 14, "name": "Hidden mug", "categories": [2], "index": False},
]  # fmt: skip
ORDERS = [
    {"id": 1, "products": [{"id": 13, "quantity": 3, "price": 20.0}]},
    {"id": 2, "products": [{"id": 10, "quantity": 1, "price": 8.0}, {"id": 12, "quantity": 1}]},
    {"id": 3, "products": [{"id": 11, "quantity": 1, "price": 9.0}]},
]


@pytest.fixture
def fake() -> Iterator[FakeClerkAPI]:
    with FakeClerkAPI() as server:
        for entity, objects in (("categories", CATEGORIES), ("products", PRODUCTS)):
            requests.post(server.url + entity, json={**KEYS, entity: objects}, timeout=5)
        requests.post(server.url + "orders", json={**KEYS, "orders": ORDERS}, timeout=5)
        yield server


def ask(fake: FakeClerkAPI, path: str, **params: Any) -> Any:
    answer = requests.post(fake.url + path, json={"key": DEFAULT_PUBLIC_KEY, **params}, timeout=5)
    return answer.json()


@pytest.mark.parametrize(
    ("logic", "params", "expected"),
    [
        ("popular", {}, [13, 10, 11, 12]),  # most ordered, then by id
        ("trending", {"limit": 2}, [13, 10]),
        ("visitor/complementary", {"visitor": "abc"}, [13, 10, 11, 12]),
        ("new", {}, [11, 12, 10, 13]),
        ("complementary", {"products": [10]}, [12, 13, 11]),  # bought together, then popular
        ("substituting", {"products": [10]}, [11, 13, 12]),  # same category first
        ("category/popular", {"category": 1}, [10, 11, 12]),  # with its subcategory
        ("category/new", {"category": 2}, [11, 10]),
        ("popular", {"exclude": [13, 10]}, [11, 12]),
        ("popular", {"filter": 'brand = "acme"'}, [10, 12]),
    ],
)
def test_recommendations_come_from_the_synced_orders(
    fake: FakeClerkAPI, logic: str, params: dict[str, Any], expected: list[int]
) -> None:
    answer = ask(fake, "recommendations/" + logic, **params)
    assert answer["status"] == "ok" and answer["result"] == expected


def test_category_logic_needs_a_category(fake: FakeClerkAPI) -> None:
    assert ask(fake, "recommendations/category/popular")["type"] == "ParsingError"


def test_search_matches_text_with_facets_and_filters(fake: FakeClerkAPI) -> None:
    found = ask(fake, "search/search", query="mug", facets=["brand", "categories", "colour"])
    # Name matches first (by popularity), then the description match; never the hidden one.
    assert found["result"] == [10, 11, 12] and found["count"] == 3
    assert found["facets"]["brand"] == [
        {"name": "Acme", "count": 2},
        {"name": "Brio", "count": 1},
    ]
    assert found["facets"]["categories"] == [
        {"name": 2, "count": 2, "label": "Mugs"},
        {"name": 1, "count": 1, "label": "Kitchen"},
    ]
    assert "colour" not in found["facets"]
    by_category = ask(fake, "search/search", query="kitchen")  # category names are searched
    assert by_category["result"] == [12]
    narrowed = ask(fake, "search/search", query="mug", filter="categories in [2] and price < 9")
    assert narrowed["result"] == [10]
    cheap_first = ask(fake, "search/search", query="", orderby="price", order="asc", limit=2)
    assert cheap_first["result"] == [10, 11] and cheap_first["count"] == 4
    data = ask(fake, "search/predictive", query="blue", attributes=["id", "name"])
    assert data["product_data"] == [{"id": 11, "name": "Blue mug"}]
    bad = ask(fake, "search/search", query="mug", filter="price <")
    assert bad["status"] == "error" and bad["type"] == "ParsingError"


def test_categories_and_pages_search(fake: FakeClerkAPI) -> None:
    pages = [{"id": "faq", "title": "Shipping", "text": "Mugs ship in two days"}]
    requests.post(fake.url + "pages", json={**KEYS, "pages": pages}, timeout=5)
    assert ask(fake, "search/categories", query="MUG")["result"] == [2]
    assert ask(fake, "search/pages", query="mugs ship")["result"] == ["faq"]


@pytest.mark.parametrize(
    ("text", "obj", "passes"),
    [
        ('brand = "Acme"', {"brand": "acme"}, True),
        ("brand != 'Acme'", {"brand": "Brio"}, True),
        ("categories = 2", {"categories": [1, 2]}, True),
        ("categories not in [1, 2]", {"categories": [3]}, True),
        ("price >= 10 and price <= 20", {"price": 15.5}, True),
        ("(price > 100 or on_sale = true) and stock > 0",
         {"price": 5, "on_sale": True, "stock": 1}, True),
        ("on_sale = true", {"on_sale": 1}, False),
        ("price > 1", {}, False),
        ("", {}, True),
    ],
)  # fmt: skip
def test_filter_language(text: str, obj: dict[str, Any], passes: bool) -> None:
    assert parse(text)(obj) is passes


@pytest.mark.parametrize(
    "text", ["price", "price >", "price > 'x'", "categories in 3", "(a = 1", "a = 1 b", "a ~ 1"]
)
def test_filter_errors(text: str) -> None:
    with pytest.raises(FilterError):
        parse(text)(  # parsing or, for a bad comparison, applying it fails
            {"price": 1, "a": 1, "categories": [3]}
        )
