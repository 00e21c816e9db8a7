"""Every tag with int, str and UUID ids: the ids reach Clerk.js as JSON numbers or strings
(a UUID as its canonical text), from model instances and from bare ids alike."""

from __future__ import annotations

import datetime
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils.translation import gettext_lazy

from django_clerk.storefront.escaping import data_value, plain, script_json, to_json
from tests.shops import Shop
from tests.storefront.test_tags import calls, clerk_spans, render

pytestmark = pytest.mark.django_db


def test_context_with_objects_and_with_bare_ids(shop: Shop) -> None:
    product_id, category_id = shop.clerk_id(shop.product), shop.clerk_id(shop.category)
    page_id = shop.page_id if isinstance(shop.page_id, int) else str(shop.page_id)
    expected = ["context", {"product": product_id, "category": category_id, "page": page_id}]
    source = "{% clerk_context product=p category=c page=g %}"
    assert calls(render(source, p=shop.product, c=shop.category, g=shop.page_id)) == [expected]
    bare = render(source, p=shop.product.pk, c=shop.category.pk, g=shop.page_id)
    assert calls(bare) == [expected]


def test_placements_carry_the_ids(shop: Shop) -> None:
    product_id, category_id = shop.clerk_id(shop.product), shop.clerk_id(shop.category)
    html = render(
        "{% clerk_placement 'home' products=p %}{% clerk_product_placements p %}"
        "{% clerk_category_placement c %}{% clerk_powerstep p %}",
        p=shop.product,
        c=shop.category,
    )
    spans = clerk_spans(html)
    with_products = [s for s in spans if "data-products" in s]
    assert len(with_products) == 6  # home, 2 product page, 3 powerstep placements
    assert all(json.loads(s["data-products"]) == [product_id] for s in with_products)
    (category_span,) = [s for s in spans if "data-category" in s]
    assert category_span["data-category"] == str(category_id)


def test_cart_with_products_ids_and_a_single_id(shop: Shop) -> None:
    ids = [shop.clerk_id(shop.product), shop.clerk_id(shop.other_product)]
    products = [shop.product, shop.other_product]
    html = render("{% clerk_cart ps %}{% clerk_cart_placement ps %}", ps=products)
    assert calls(html) == [["cart", "set", ids]]
    assert json.loads(clerk_spans(html)[0]["data-products"]) == ids
    pks = render("{% clerk_cart ps %}", ps=[p.pk for p in products])
    assert calls(pks) == [["cart", "set", ids]]
    single = render("{% clerk_cart p %}{% clerk_cart_placement p %}", p=shop.product.pk)
    assert calls(single) == [["cart", "set", ids[:1]]]
    assert json.loads(clerk_spans(single)[0]["data-products"]) == ids[:1]


def test_sales_tracking_carries_order_customer_and_line_ids(shop: Shop, settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING": {"sales": "browser"}}  # the placement
    (span,) = clerk_spans(render("{% clerk_sales_tracking o %}", o=shop.order))
    assert span["data-api"] == "log/sale"
    assert span["data-sale"] == str(shop.clerk_id(shop.order))
    lines = json.loads(span["data-products"])
    assert [line["id"] for line in lines] == [shop.clerk_id(shop.product)]
    assert isinstance(lines[0]["quantity"], int) and isinstance(lines[0]["price"], float)
    assert span["data-customer"] == str(shop.customer_id)


LAZY = gettext_lazy("Boots")
VALUES = [
    (uuid.UUID("7f1c0e52-3b9d-4a43-9a4e-0c4f5d2b8e11"), "7f1c0e52-3b9d-4a43-9a4e-0c4f5d2b8e11"),
    (Decimal("12.50"), 12.5),
    (datetime.date(2024, 1, 2), 1704153600),
    (datetime.datetime(2024, 1, 2, 1, tzinfo=datetime.timezone.utc), 1704157200),
    (LAZY, "Boots"),
    ({"ids": (uuid.UUID(int=1), 7, None), "at": datetime.date(1970, 1, 2)},
     {"ids": ["00000000-0000-0000-0000-000000000001", 7], "at": 86400}),
    (iter([Decimal("1.5"), "a"]), [1.5, "a"]),
    ({"k": 1}.keys(), ["k"]),
]  # fmt: skip


@pytest.mark.parametrize(("value", "expected"), VALUES)
def test_every_value_becomes_json_clerk_reads(value: Any, expected: Any) -> None:
    data = plain(value)
    assert data == expected
    assert json.loads(to_json(data)) == expected
    assert json.loads(str(script_json(data))) == expected


def test_model_instances_become_their_primary_key_text() -> None:
    from tests.uuidshop.models import Page, Product

    product = Product(name="Boot", price=Decimal("1"))
    assert plain(product) == str(product.pk) and plain([product, None]) == [str(product.pk)]
    assert data_value(product) == str(product.pk)
    assert data_value([product]) == f'["{product.pk}"]'
    assert plain(Page(path="a/b")) == "a/b"
    assert json.loads(str(script_json({"product": product}))) == {"product": str(product.pk)}
