"""Server-side sales in headless Chromium: a checkout on the example shop reaches the fake
Clerk as ONE sale, whether Clerk.js is blocked (the server sends it after the grace delay) or
loaded (Clerk.js sends it, and its success drops the server's copy). Counted through the
fake's HTTP inspection endpoint, as a tool outside the process would."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from shop.models import Order, Product

from django_clerk.models import PendingChange
from django_clerk.models.sync import SALE
from django_clerk.sync.delivery import deliver_due

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GRACE = 1.0


@pytest.fixture
def sandbox(clerk_api: Any, make_store: Any, settings: Any) -> Any:
    """The example shop with the sandbox Clerk.js of the fake, sales from both sides."""
    clerk_api.add_store("default-public", "default-private")
    settings.CLERK = {
        **settings.CLERK,
        "CLERK_JS_URL": clerk_api.sandbox_js_url,
        "SYNC_DELIVERY": "manual",
        "REALTIME_SYNC": False,
        "TRACKING": {"sales": "both"},
        "TRACKING_SALE_GRACE_SECONDS": GRACE,
    }
    make_store(code="default", base_url="")
    Product.objects.create(name="Mug", slug="mug", sku="M1", price=Decimal("19.95"), stock=9)
    return clerk_api


def open_tab(browser: Any, live_server: Any, fake: Any, *, block_clerk_js: bool) -> Any:
    context = browser.new_context(locale="en-US")
    allowed = {urlparse(live_server.url).netloc, urlparse(fake.url).netloc}

    def route(request_route: Any) -> None:
        url = request_route.request.url
        blocked = block_clerk_js and url.startswith(fake.sandbox_js_url)
        if urlparse(url).netloc in allowed and not blocked:
            request_route.continue_()
        else:
            request_route.abort()  # an ad-blocker

    context.route("**/*", route)
    return context.new_page()


def checkout(tab: Any, base: str) -> Order:
    tab.goto(base + "/product/mug/")
    tab.click("form[action*='/cart/add/'] button[type=submit]")
    tab.wait_for_url("**/cart/added/")
    tab.goto(base + "/cart/")
    tab.fill("input[name=email]", "ann@example.com")
    tab.fill("input[name=first_name]", "Ann")
    tab.fill("input[name=last_name]", "Lee")
    tab.fill("input[name=zip_code]", "8000")
    tab.click("form[action$='/checkout/'] button[type=submit]")
    tab.wait_for_url("**/order/*/")
    # The live server shares the test's in-memory database: read it once the page is quiet.
    tab.wait_for_load_state("networkidle")
    return Order.objects.get()


def sales_received(fake: Any) -> list[dict[str, Any]]:
    """The ``log/sale`` calls the fake took for the store, read over HTTP."""
    answer = requests.get(f"{fake.origin}/_fake/stores/default-public/received", timeout=5)
    return answer.json()["logged"].get("log/sale", [])


def test_clerk_js_blocked_the_server_sends_the_sale_once(
    browser: Any, live_server: Any, sandbox: Any
) -> None:
    tab = open_tab(browser, live_server, sandbox, block_clerk_js=True)
    order = checkout(tab, live_server.url)
    assert sales_received(sandbox) == []  # nothing from the page: Clerk.js never ran
    assert PendingChange.objects.filter(entity=SALE, object_id=str(order.pk)).exists()
    time.sleep(GRACE + 0.1)
    assert deliver_due().upserted == 1
    deliver_due()
    (sale,) = sales_received(sandbox)
    assert sale["sale"] == order.pk and sale["email"] == "ann@example.com"
    assert [(p["id"], p["quantity"]) for p in sale["products"]] == [
        (order.lines.get().product_id, 1)
    ]
    tab.context.close()


def test_clerk_js_loaded_the_sale_still_counts_once(
    browser: Any, live_server: Any, sandbox: Any
) -> None:
    tab = open_tab(browser, live_server, sandbox, block_clerk_js=False)
    # The page's Clerk.js logs the sale, and its success tells the shop.
    with tab.expect_response(lambda r: "/clerk/tracking/sale/" in r.url) as beacon:
        order = checkout(tab, live_server.url)
    assert beacon.value.status == 200 and beacon.value.json()["dropped"] == 1
    assert len(sales_received(sandbox)) == 1
    assert not PendingChange.objects.filter(entity=SALE, state="pending").exists()  # not sent
    time.sleep(GRACE + 0.1)
    assert deliver_due().upserted == 0
    (sale,) = sales_received(sandbox)
    assert str(sale["sale"]) == str(order.pk)
    tab.context.close()
