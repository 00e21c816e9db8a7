"""The sandbox Oscar shop's pages in headless Chromium, with Clerk.js replaced by a
recording stub: the calls and elements Clerk.js finds after a shopper adds a variant to the
basket. The browser's requests to the shop are answered by Django's test client (same
database transaction as the test); every other host is refused."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from tests.oscarshop.seed import Shop
from tests.storefront.conftest import STUB_DIR

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.skipif(
        os.environ.get("CLERK_SKIP_BROWSER_TESTS") == "1", reason="CLERK_SKIP_BROWSER_TESTS=1"
    ),
]
HOST = "shop.example.com"
STUB = "/static/clerk-stub.js"


class ShopTab:
    """A tab on :data:`HOST` whose pages the test client renders, in the test's thread (the
    browser's requests are answered from another thread, which must not touch the test's
    database): :meth:`visit` renders a page, then the browser loads it."""

    def __init__(self, browser: Any, client: Any) -> None:
        self.client = client
        self.rendered: dict[str, tuple[int, bytes, str]] = {}
        self.page = browser.new_context().new_page()
        self.page.route("**/*", self.answer)

    def answer(self, route: Any) -> None:
        url = urlparse(route.request.url)
        if url.netloc != HOST:
            route.abort()
        elif url.path == STUB:
            route.fulfill(path=str(STUB_DIR / "clerk-stub.js"), content_type="text/javascript")
        else:
            status, body, content_type = self.rendered.get(url.path, (404, b"", "text/plain"))
            route.fulfill(status=status, body=body, headers={"content-type": content_type})

    def visit(self, path: str) -> tuple[list[Any], list[dict[str, Any]]]:
        response = self.client.get(path, HTTP_HOST=HOST, secure=True)
        assert response.status_code == 200
        self.rendered[path] = (200, response.content, response["Content-Type"])
        self.page.goto(f"https://{HOST}{path}")
        self.page.wait_for_function("window.__clerk_ready === true")
        return self.page.evaluate("window.__clerk_calls"), self.page.evaluate(
            "window.__clerk_elements"
        )


def test_clerk_js_sees_the_product_the_cart_and_the_powerstep(
    browser: Any,
    client: Any,
    settings: Any,
    oscar_shop: Shop,
    clerk_store: Any,
) -> None:
    settings.CLERK = {**settings.CLERK, "CLERK_JS_URL": STUB}
    parent = oscar_shop.parents[1]
    child = parent.children.order_by("pk").first()
    tab = ShopTab(browser, client)
    calls, elements = tab.visit(parent.get_absolute_url())
    config = next(call[1] for call in calls if call[0] == "config")
    assert config["key"] == "default-public"
    assert ["context", {"product": parent.pk}] in calls
    assert ["cart", "set", []] in calls
    templates = {e["data"].get("data-template"): e["data"] for e in elements}
    assert templates["@product-page-alternatives"]["data-products"] == f"[{parent.pk}]"
    client.post(
        reverse("basket:add", kwargs={"pk": parent.pk}), {"quantity": 1, "child_id": child.pk}
    )
    calls, elements = tab.visit(oscar_shop.standalone[0].get_absolute_url())
    assert ["cart", "set", [parent.pk]] in calls
    templates = {e["data"].get("data-template"): e["data"] for e in elements}
    assert templates["@power-step-others-also-bought"]["data-products"] == f"[{parent.pk}]"
