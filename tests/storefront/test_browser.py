"""The example shop in headless Chromium, with Clerk.js replaced by a recording stub.

Each test walks several pages in one browser context: starting Chromium costs seconds, so
the browser is shared by the session and the tests are few but thorough.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlparse

import pytest
from django.core.cache import cache
from shop.models import Category, Order, Product

from django_clerk.mapping import get_serializer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HOSTILE = '</script><script>window.__xss=1</script>"\'><img src=x onerror="window.__xss=2">'


class Shopper:
    """A browser tab on the live example shop that fails the test on any script dialog."""

    def __init__(self, context: Any, base_url: str) -> None:
        self.base_url = base_url
        self.page = context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visit(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.loaded()

    def loaded(self) -> None:
        self.page.wait_for_function("window.__clerk_ready === true")

    def calls(self) -> list[list[Any]]:
        return self.page.evaluate("window.__clerk_calls")

    def call(self, name: str) -> list[Any]:
        found = [c for c in self.calls() if c[0] == name]
        assert len(found) == 1, (name, self.calls())
        return found[0]

    def elements(self) -> list[dict[str, Any]]:
        return self.page.evaluate("window.__clerk_elements")

    def placements(self) -> dict[str, dict[str, Any]]:
        """The page's Clerk elements keyed by data-template (or data-api)."""
        return {e["data"].get("data-template") or e["data"]["data-api"]: e for e in self.elements()}

    def assert_harmless(self) -> None:
        assert self.page.evaluate("typeof window.__xss") == "undefined"
        assert self.dialogs == []


@pytest.fixture
def context(browser: Any, live_server: Any) -> Any:
    """A fresh browser context that may only reach the live server (no real Clerk.js)."""
    context = browser.new_context(locale="en-US")
    host = urlparse(live_server.url).netloc

    def only_local(route: Any) -> None:
        if urlparse(route.request.url).netloc == host:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_local)
    yield context
    context.close()


@pytest.fixture
def shop(clerk_stub: str, make_store: Any, settings: Any, clerk_api: Any) -> dict[str, Any]:
    cache.clear()
    clerk_api.add_store("en-public", "default-private")
    clerk_api.add_store("dk-public", "dk-private")
    settings.CLERK = {
        **settings.CLERK,
        "CURRENCY_SYMBOL": HOSTILE,
        "CURRENCY_ISO": "DKK",
        # Not under test here; its delivery thread would share the in-memory SQLite database.
        "REALTIME_SYNC": False,
    }
    store = make_store(code="default", public_key="en-public", base_url="")
    danish = make_store(
        code="dk", public_key="dk-public", private_key="dk-private", language="da", base_url=""
    )
    cups = Category.objects.create(name="Cups", slug="cups")
    mug = Product.objects.create(
        name=HOSTILE, name_da="Krus", slug="mug", sku="M1", price=Decimal("19.95"), stock=9
    )
    plate = Product.objects.create(
        name="Plate", slug="plate", sku="P1", price=Decimal("5.50"), stock=9
    )
    for product in (mug, plate):
        product.categories.set([cups])
    clerk_api.set_products([{"id": plate.pk}])  # what recommendations/popular answers
    return {"store": store, "danish": danish, "cups": cups, "mug": mug, "plate": plate}


def test_a_shopping_trip(context: Any, live_server: Any, shop: dict[str, Any]) -> None:
    mug, plate, cups = shop["mug"], shop["plate"], shop["cups"]
    tab = Shopper(context, live_server.url)

    # Home: config, two deduplicated placements, live search bound to the header's input.
    tab.visit("/")
    config = tab.call("config")[1]
    assert config["key"] == "en-public" and config["language"] == "english"
    assert config["globals"]["currency_symbol"] == HOSTILE  # intact, and inert
    assert config["globals"]["currency_iso"] == "DKK"
    assert "visitor" not in config  # no tracking consent: Clerk.js stays cookieless
    placements = tab.placements()
    assert placements["@home-page-popular"]["classes"] == "clerk clerk_0"
    assert placements["@home-page-trending"]["classes"] == "clerk clerk_1"
    assert placements["@home-page-trending"]["data"]["data-exclude-from"] == ".clerk_0"
    live = placements["@live-search"]["data"]
    assert live["data-instant-search"] == "#search"
    assert tab.page.evaluate("s => document.querySelector(s).tagName", "#search") == "INPUT"
    assert placements["@exit-intent"]["data"]["data-exit-intent"] == "true"
    assert tab.call("cart") == ["cart", "set", []]
    assert tab.page.inner_text("#popular-now") == "Popular right now\nPlate\n5.50 kr."
    tab.assert_harmless()

    # Category page.
    tab.visit(f"/category/{cups.slug}/")
    assert tab.call("context") == ["context", {"category": cups.pk}]
    assert tab.placements()["@category-page-popular"]["data"]["data-category"] == str(cups.pk)

    # Product page: context, both product placements, the hostile name shown as text.
    tab.visit(f"/product/{mug.slug}/")
    assert tab.call("context") == ["context", {"product": mug.pk}]
    placements = tab.placements()
    alternatives = placements["@product-page-alternatives"]
    also_bought = placements["@product-page-others-also-bought"]
    assert json.loads(alternatives["data"]["data-products"]) == [mug.pk]
    assert also_bought["classes"] == "clerk clerk_1"
    assert also_bought["data"]["data-exclude-from"] == ".clerk_0"
    assert tab.page.inner_text("h1") == HOSTILE
    tab.assert_harmless()

    # Add to cart: the powerstep page and the cart call.
    tab.page.fill("input[name=quantity]", "2")
    tab.page.click("form[action*='/cart/add/'] button[type=submit]")
    tab.page.wait_for_url("**/cart/added/")
    tab.loaded()
    assert tab.call("cart") == ["cart", "set", [mug.pk]]
    powerstep = tab.placements()
    for content in ("others-also-bought", "visitor-complementary", "popular"):
        assert json.loads(powerstep[f"@power-step-{content}"]["data"]["data-products"]) == [mug.pk]
    assert tab.page.locator("#clerk-powerstep .clerk").count() == 3

    # A second product, then the cart page.
    tab.visit(f"/product/{plate.slug}/")
    tab.page.click("form[action*='/cart/add/'] button[type=submit]")
    tab.page.wait_for_url("**/cart/added/")
    tab.visit("/cart/")
    assert tab.call("cart") == ["cart", "set", [mug.pk, plate.pk]]
    cart = tab.placements()["@cart-others-also-bought"]["data"]
    assert json.loads(cart["data-products"]) == [mug.pk, plate.pk]

    # Checkout: sales tracking equals the order feed's line for line.
    page = tab.page
    page.fill("input[name=email]", "ann@example.com")
    page.fill("input[name=first_name]", "Ann")
    page.fill("input[name=last_name]", "Lee")
    page.fill("input[name=zip_code]", "8000")
    page.click("form[action$='/checkout/'] button[type=submit]")
    page.wait_for_url("**/order/*/")
    tab.loaded()
    order = Order.objects.get()
    feed = get_serializer("orders").serialize([order], shop["store"])[0]
    # "sales": "both" (the example's setting): Clerk.js' call, whose success drops the
    # server's copy (a function: null once recorded as JSON).
    _, endpoint, sale, on_success = tab.call("call")
    assert endpoint == "log/sale" and on_success is None
    assert sale["sale"] == order.pk
    assert sale["products"] == feed["products"]
    assert sorted((p["id"], p["quantity"], p["price"]) for p in feed["products"]) == [
        (mug.pk, 2, 19.95),
        (plate.pk, 1, 5.5),
    ]
    assert sale["email"] == "ann@example.com"
    assert sale["customer"] == feed["customer"]
    assert tab.call("cart") == ["cart", "set", []]
    tab.assert_harmless()

    # Search page with a hostile query: facets and both targets on the page.
    tab.visit("/search/?q=" + quote(HOSTILE))
    search = tab.placements()["@search-page"]
    assert search["id"] == "clerk-search"
    assert search["data"]["data-query"] == HOSTILE[:100]
    assert json.loads(search["data"]["data-facets-attributes"]) == ["price", "categories", "brand"]
    for target in ("data-target", "data-facets-target"):
        assert tab.page.locator(search["data"][target]).count() == 1
    tab.assert_harmless()


def test_danish_store_under_a_strict_csp(
    browser: Any, live_server: Any, shop: dict[str, Any], settings: Any
) -> None:
    settings.SHOP_CSP = True  # shop.csp.NonceCSPMiddleware: script-src 'self' 'nonce-...'
    context = browser.new_context(locale="da-DK")
    try:
        tab = Shopper(context, live_server.url)
        response = tab.page.goto(f"{live_server.url}/product/{shop['mug'].slug}/")
        policy = response.headers["content-security-policy"]
        nonce = policy.split("'nonce-")[1].split("'")[0]
        tab.loaded()  # the stub ran: its loader passed the CSP with the nonce
        config = tab.call("config")[1]
        assert config["key"] == "dk-public" and config["language"] == "danish"
        # Every inline script carries the nonce, and those that ran are all recorded.
        nonces = tab.page.eval_on_selector_all("script", "els => els.map(e => e.nonce)")
        assert len(nonces) >= 3 and set(nonces) == {nonce}
        assert tab.call("context") == ["context", {"product": shop["mug"].pk}]
        assert tab.call("cart") == ["cart", "set", []]
        assert tab.page.inner_text("h1") == "Krus"
        tab.assert_harmless()
    finally:
        context.close()
