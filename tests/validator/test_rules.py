"""Each rule of the validator on a page made for it: the problem it reports, and its
absence on the page done right."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import pytest
from shop.models import Category, Order, Product

from django_clerk.testing import DEFAULT_CONTENT_IDS, DEFAULT_PUBLIC_KEY
from django_clerk.testing.recording import RecordedRequest
from django_clerk.testing.validator import Report
from django_clerk.testing.validator.markup import read_markup
from django_clerk.testing.validator.pages import PageVisit
from django_clerk.testing.validator.rules import Rules

pytestmark = pytest.mark.django_db
LOADER = '<script>window.__clerk_q=[];Clerk("config", {"key": "%s"});</script>'


@pytest.fixture
def catalogue(make_store: Any) -> dict[str, Any]:
    make_store(code="default", public_key=DEFAULT_PUBLIC_KEY)
    category = Category.objects.create(name="Cups", slug="cups")
    mug = Product.objects.create(name="Mug", slug="mug", sku="M", price=Decimal(5), stock=3)
    mug.categories.set([category])
    order = Order.objects.create(email="a@example.com", status="paid")
    return {"category": category, "mug": mug, "order": order}


def check(body: str, *, key: str = DEFAULT_PUBLIC_KEY, calls: Any = (), status: int = 200,
          browser: bool = False) -> Report:  # fmt: skip
    html = (LOADER % key if key is not None else "") + body
    visit = PageVisit("page", "/page/", status, markup=read_markup(html), calls=list(calls))
    report = Report("test")
    rules = Rules(report, DEFAULT_CONTENT_IDS, browser=browser)
    rules.check_page(visit)
    rules.check_sales()
    return report


def placement(content: str, **data: Any) -> str:
    attributes = "".join(f" data-{k.replace('_', '-')}='{v}'" for k, v in data.items())
    return f'<span class="clerk" data-template="@{content}"{attributes}></span>'


def sale(**data: Any) -> str:
    attributes = "".join(f" data-{k}='{v}'" for k, v in data.items())
    return f'<span class="clerk" data-api="log/sale"{attributes}></span>'


def test_a_page_done_right_has_no_problem(catalogue: dict[str, Any]) -> None:
    mug, order = catalogue["mug"], catalogue["order"]
    lines = json.dumps([{"id": mug.pk, "quantity": 1, "price": 5.0}])
    report = check(
        placement("product-page-alternatives", products=f"[{mug.pk}]")
        + placement("category-page-popular", category=catalogue["category"].pk)
        + sale(sale=order.pk, products=lines)
        + f'<script>Clerk("cart", "set", [{mug.pk}]);Clerk("cart", "set", [{mug.pk}]);</script>'
    )
    assert report.problems == []


@pytest.mark.parametrize(
    ("key", "code"), [(None, "clerk-js-missing"), ("", "public-key-missing"),
                      ("someone-elses-key", "public-key-unknown")]
)  # fmt: skip
def test_clerk_js_and_its_key(catalogue: dict[str, Any], key: Any, code: str) -> None:
    report = check(placement("product-page-alternatives"), key=key)
    assert report.codes == [code]
    assert report.problems[0].page == "page (/page/)"


def test_placements_name_a_content_the_account_has(catalogue: dict[str, Any]) -> None:
    report = check(
        placement("no-such-content")
        + '<span class="clerk" data-template="product-page-alternatives"></span>'
        + '<span class="clerk"></span>'
    )
    assert [p.code for p in report.problems] == [
        "content-id-unknown", "content-id-missing", "content-id-missing"
    ]  # fmt: skip
    assert "'no-such-content'" in report.problems[0].message
    assert 'data-template="@no-such-content"' in report.problems[0].element


def test_unknown_and_malformed_product_ids(catalogue: dict[str, Any]) -> None:
    mug = catalogue["mug"]
    report = check(
        placement("product-page-alternatives", products=f"[{mug.pk}, 424242]")
        + placement("product-page-others-also-bought", products="[1,")
        + placement("cart-others-also-bought", products="[true, null]")
        + placement("category-page-popular", category="999")
    )
    assert [(p.code, p.message) for p in report.problems] == [
        ("products-malformed", "products must be a JSON list of ids, not '[1,'"),
        ("products-malformed", "products must be ids (numbers or text), not [True, None]"),
        ("product-id-unknown", "product id 424242 is not in the store's product feed"),
        ("category-id-unknown", "category id 999 is not in the store's category feed"),
    ]


def test_an_id_of_the_wrong_type(catalogue: dict[str, Any]) -> None:
    mug = catalogue["mug"]
    report = check(f'<script>Clerk("context", {{"product": "{mug.pk}"}});</script>')
    (problem,) = report.problems
    assert problem.code == "id-type-mismatch"
    assert problem.message == f"product id '{mug.pk}' is not the feed's {mug.pk}"
    assert problem.element.startswith('Clerk("context", {"product": ')


def test_sales_need_their_attributes_and_products(catalogue: dict[str, Any]) -> None:
    mug, order = catalogue["mug"], catalogue["order"]
    report = check(
        sale(products=json.dumps([{"id": mug.pk, "quantity": 1}]))
        + sale(sale=order.pk)
        + sale(sale=order.pk + 1000, products="[]")
    )
    assert [(p.code, p.message) for p in report.problems] == [
        ("attribute-missing", "the log/sale has no data-sale"),
        ("attribute-missing", f"a sale's product lacks price: {{'id': {mug.pk}, 'quantity': 1}}"),
        ("attribute-missing", "the log/sale has no data-products"),
        ("sale-without-products", "the sale lists no products"),
        ("sale-id-unknown", f"order id {order.pk + 1000} is not in the store's order feed"),
    ]


def test_a_sale_tagged_twice_is_fired_twice(catalogue: dict[str, Any]) -> None:
    mug, order = catalogue["mug"], catalogue["order"]
    lines = json.dumps([{"id": mug.pk, "quantity": 1, "price": 5.0}])
    report = check(sale(sale=order.pk, products=lines) * 2)
    (problem,) = report.problems
    assert problem.code == "event-fired-twice"
    assert problem.message == f"the sale {order.pk} is logged 2 times"


def test_a_content_placed_twice_without_exclusion(catalogue: dict[str, Any]) -> None:
    first = '<span class="clerk clerk_0" data-template="@product-page-alternatives"></span>'
    excluding = (
        '<span class="clerk clerk_1" data-template="@product-page-alternatives" '
        'data-exclude-from=".clerk_0"></span>'
    )
    assert check(first + excluding).problems == []
    (problem,) = check(first + placement("product-page-alternatives")).problems
    assert problem.code == "placement-twice"
    assert "first at line 1" in problem.message


def test_a_page_setting_the_cart_to_different_products(catalogue: dict[str, Any]) -> None:
    mug = catalogue["mug"]
    report = check(f'<script>Clerk("cart", "set", [{mug.pk}]);</script>'
                   '<script>Clerk("cart", "set", []);</script>')  # fmt: skip
    (problem,) = report.problems
    assert problem.code == "cart-conflict"
    assert problem.element == 'Clerk("cart", "set", []) (line 1)'


def recorded(path: str, status: int, *, browser: bool, **params: Any) -> RecordedRequest:
    headers = {"Origin": "http://127.0.0.1:1"} if browser else {"User-Agent": "python"}
    body = {"key": DEFAULT_PUBLIC_KEY, **params}
    return RecordedRequest("POST", path, {}, body, headers, time.time(), status)


def test_calls_clerk_refused_and_the_ids_of_calls(catalogue: dict[str, Any]) -> None:
    calls = [
        recorded("recommendations/popular", 403, browser=True),
        recorded("log/basket/set", 200, browser=False, products=[777777]),
        recorded("log/basket/set", 200, browser=True, products=[888888]),  # the markup's
        recorded("log/basket/set", 200, browser=True, products=[999999]),  # a script's
    ]
    report = check('<script>Clerk("cart", "set", [888888]);</script>', calls=calls)
    assert [(p.code, p.element, p.message[:17]) for p in report.problems] == [
        ("clerk-call-failed", "browser call POST recommendations/popular", "Clerk answered 40"),
        ("product-id-unknown", 'Clerk("cart", "set", [888888]) (line 1)', "product id 888888"),
        ("product-id-unknown", "server call POST log/basket/set", "product id 777777"),
        ("product-id-unknown", "browser call POST log/basket/set", "product id 999999"),
    ]


def test_a_sale_logged_by_browser_and_server(catalogue: dict[str, Any]) -> None:
    mug, order = catalogue["mug"], catalogue["order"]
    line = {"id": mug.pk, "quantity": 1, "price": 5.0}
    calls = [
        recorded("log/sale", 200, browser=True, sale=str(order.pk), products=[line]),
        recorded("log/sale", 200, browser=False, sale=order.pk, products=[line]),
    ]
    (problem,) = check("", calls=calls, browser=True).problems
    assert problem.code == "event-fired-twice"
    assert problem.element == "browser (Clerk.js) on page (/page/); server on page (/page/)"


def test_an_error_page_is_reported_and_not_read(catalogue: dict[str, Any]) -> None:
    report = check(placement("no-such-content"), status=404)
    assert [(p.code, p.message) for p in report.problems] == [
        ("page-error", "answered 404 text/html, not a page")
    ]


def test_ids_of_an_api_element(catalogue: dict[str, Any]) -> None:
    element = (
        '<span class="clerk" data-api="recommendations/complementary" data-products="[555555]">'
        "</span>"
    )
    (problem,) = check(element).problems
    assert (problem.code, problem.message) == (
        "product-id-unknown",
        "product id 555555 is not in the store's product feed",
    )
    assert 'data-api="recommendations/complementary"' in problem.element


def sale_call(data: Any, callback: str = ", function () { beacon(); }") -> str:
    return f'<script>Clerk("call", "log/sale", {json.dumps(data)}{callback});</script>'


def test_a_sale_call_is_checked_as_the_sale_element(catalogue: dict[str, Any]) -> None:
    """``Clerk("call", "log/sale", {...}, callback)``, as the tag writes it for sales from
    the browser and the server: the same rules as ``data-api="log/sale"``."""
    mug, order = catalogue["mug"], catalogue["order"]
    line = {"id": mug.pk, "quantity": 1, "price": 5.0}
    assert check(sale_call({"sale": order.pk, "products": [line]})).problems == []
    report = check(
        sale_call({"products": [{"id": 777777, "quantity": 1}]})
        + sale_call({"sale": str(order.pk)}, callback="")
        + sale_call({"sale": order.pk + 1000, "products": []}, callback=", () => 1")
    )
    assert [(p.code, p.message) for p in report.problems] == [
        ("attribute-missing", "the log/sale has no sale"),
        ("attribute-missing", "a sale's product lacks price: {'id': 777777, 'quantity': 1}"),
        ("attribute-missing", "the log/sale has no products"),
        ("sale-without-products", "the sale lists no products"),
        ("product-id-unknown", "product id 777777 is not in the store's product feed"),
        ("id-type-mismatch", f"order id '{order.pk}' is not the feed's {order.pk}"),
        ("sale-id-unknown", f"order id {order.pk + 1000} is not in the store's order feed"),
    ]
    assert report.problems[0].element.startswith('Clerk("call", "log/sale", {"products": ')
    assert report.problems[0].element.endswith(", function) (line 1)")


def test_two_sale_calls_or_a_call_and_an_element_are_fired_twice(
    catalogue: dict[str, Any],
) -> None:
    mug, order = catalogue["mug"], catalogue["order"]
    line = {"id": mug.pk, "quantity": 1, "price": 5.0}
    call = sale_call({"sale": order.pk, "products": [line]})
    element = sale(sale=order.pk, products=json.dumps([line]))
    for page in (call * 2, call + element):
        (problem,) = check(page).problems
        assert problem.code == "event-fired-twice"
        assert problem.message == f"the sale {order.pk} is logged 2 times"
